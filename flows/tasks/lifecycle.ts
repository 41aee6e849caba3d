import type { Delivery, EventConsumer, ConsumerOptions } from '../../stores/ports/event-stream.js';
import type { WorkspaceStore } from '../../stores/ports/workspace.js';
import { ConsumerLoop, type LoopOptions } from '../triggers/consumer-loop.js';
import { WorkflowRun } from './advance.js';
import { END_TASK, endTaskData, issuesOf, RECEIPTS_STREAM, receiptEvent, type Receipt } from './events.js';
import { LIFECYCLE_GROUP, transact, type Transaction } from './transaction.js';
import { DEFAULT_WORKFLOW_WORKSPACE } from './workflows.js';

export interface LifecycleOptions extends LoopOptions {
  readonly store: WorkspaceStore;
  /** @default "falco-workflows" */
  readonly workspace?: string;
  /** This worker's consumer name: unique among lifecycle workers; a restart under the same name re-reads what it held. @default "lifecycle" */
  readonly consumer?: string;
  readonly consumerOptions?: ConsumerOptions;
}

type Outcome = { readonly outcome: 'accepted' | 'matched' | 'ignored' } | { readonly outcome: 'dead-lettered'; readonly reason: string };

/**
 * Advances workflows on the service's event stream: end-task events (from task workers, from
 * delay timers, from latches) and CloudEvents that `wait:event` tasks wait for. A batch is one
 * guarded checkpoint: the records it changed, their new tasks, timers and receipts, and the ack.
 * An end-task counts only for a task running that same dispatch, checked against the stored record
 * in the commit itself, so a redelivery, or two lifecycle workers at once, never advance a workflow
 * twice. An end-task that does not apply goes to the dead-letter stream with the reason.
 */
export class LifecycleWorker {
  readonly workspace: string;
  readonly #store: WorkspaceStore;
  readonly #options: LifecycleOptions;
  #loop!: ConsumerLoop;

  private constructor(options: LifecycleOptions) {
    this.#store = options.store;
    this.workspace = options.workspace ?? DEFAULT_WORKFLOW_WORKSPACE;
    this.#options = options;
  }

  static async start(options: LifecycleOptions): Promise<LifecycleWorker> {
    const worker = new LifecycleWorker(options);
    await options.store.createWorkspace(worker.workspace);
    worker.#loop = new ConsumerLoop(
      await worker.#open(),
      { open: () => worker.#open(), beforeRead: () => worker.#fireTimers(), handle: (deliveries) => worker.#handle(deliveries) },
      options,
    );
    return worker;
  }

  get done(): Promise<void> {
    return this.#loop.done;
  }

  whenIdle(): Promise<void> {
    return this.#loop.whenIdle();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  #open(): Promise<EventConsumer> {
    return this.#store.events(this.workspace).consumer(LIFECYCLE_GROUP, this.#options.consumer ?? 'lifecycle', { ...this.#options.consumerOptions, start: '0' });
  }

  async #fireTimers(): Promise<void> {
    await this.#store.fireDueTimers(this.workspace, Date.now());
  }

  async #handle(deliveries: Delivery[]): Promise<void> {
    const by = this.#loop.consumer.name;
    const ending = endingNodes(deliveries);
    const { result: outcomes, tx } = await transact(this.#store, this.workspace, async (tx) => {
      const outcomes: Outcome[] = [];
      for (const delivery of deliveries) {
        const outcome = await this.#apply(tx, delivery, ending);
        if (outcome.outcome !== 'dead-lettered') {
          tx.ack(delivery.entryId);
          tx.receipt(receiptOf(delivery, outcome.outcome, by, tx.now));
        }
        outcomes.push(outcome);
      }
      return outcomes;
    });
    const buried = deliveries.flatMap((delivery, index) => {
      const outcome = outcomes[index]!;
      return outcome.outcome === 'dead-lettered' ? [{ delivery, reason: outcome.reason }] : [];
    });
    for (const { delivery, reason } of buried) await this.#loop.consumer.deadLetter([delivery], reason);
    if (buried.length > 0) {
      await this.#store.stream(this.workspace, RECEIPTS_STREAM).publish(buried.map(({ delivery, reason }) => receiptEvent({ ...receiptOf(delivery, 'dead-lettered', by, tx.now), reason })));
    }
  }

  /** `ending`: the nodes of each workflow that the batch's end-tasks end, read together with the first. */
  async #apply(tx: Transaction, delivery: Delivery, ending: ReadonlyMap<string, readonly string[]>): Promise<Outcome> {
    const { event } = delivery;
    if (event.type === END_TASK) {
      const parsed = endTaskData.safeParse(event.data);
      if (!parsed.success) return { outcome: 'dead-lettered', reason: `malformed end-task "${event.id}": ${issuesOf(parsed.error)}` };
      const end = parsed.data;
      const record = await tx.workflowAround(end.workflow, ending.get(end.workflow) ?? [end.node]);
      if (!record) return { outcome: 'dead-lettered', reason: `end-task "${event.id}" is for workflow "${end.workflow}", and there is no such workflow` };
      const problem = new WorkflowRun(record, tx, tx.now).end(end);
      if (problem) return { outcome: 'dead-lettered', reason: `end-task "${event.id}" does not apply: ${problem}` };
      return { outcome: 'accepted' };
    }
    if (event.type.startsWith('falco.')) return { outcome: 'ignored' };
    let matched = 0;
    for (const header of await tx.headers()) {
      const record = WorkflowRun.awaits(header, event.type) ? await tx.workflow(header.id) : undefined;
      if (record) matched += new WorkflowRun(record, tx, tx.now).matchEvent(event);
    }
    return { outcome: matched > 0 ? 'matched' : 'ignored' };
  }
}

/** The nodes each workflow's end-tasks in the batch end, by workflow (malformed end-tasks left out: they are dead-lettered). */
function endingNodes(deliveries: readonly Delivery[]): Map<string, string[]> {
  const ending = new Map<string, string[]>();
  for (const { event } of deliveries) {
    const parsed = event.type === END_TASK ? endTaskData.safeParse(event.data) : undefined;
    if (parsed?.success) ending.set(parsed.data.workflow, [...(ending.get(parsed.data.workflow) ?? []), parsed.data.node]);
  }
  return ending;
}

function receiptOf(delivery: Delivery, outcome: Receipt['outcome'], by: string, at: number): Receipt {
  return { stream: 'events', entryId: delivery.entryId, event: delivery.event.id, type: delivery.event.type, outcome, by, at };
}
