import type { ErrorInfo } from '../../src/invocation.js';
import type { FalcoEvent } from '../../stores/ports/event.js';
import type { Delivery, EventConsumer } from '../../stores/ports/event-stream.js';
import type { WorkflowLog } from '../../stores/ports/workflow-log.js';
import type { WorkspaceStore } from '../../stores/ports/workspace.js';
import { INVOCATION_FAILED } from '../triggers/commands.js';
import { ConsumerLoop, type LoopOptions } from '../triggers/consumer-loop.js';
import { WAKE_TRIGGER } from './events.js';
import { History } from './history.js';
import { appendedNow, type StalledRecord } from './records.js';

export interface CoordinatorWatchOptions extends LoopOptions {
  readonly store: WorkspaceStore;
  readonly log: WorkflowLog;
  /** The workspace served: a run's, whose id it is. */
  readonly workspace: string;
}

/** The consumer group the watch reads a run's events through. */
const GROUP = 'falco-coordinator-watch';

/**
 * Logs why a run whose coordinator is a function stalled: each failed invocation of the coordinator
 * (its function failed, or the action worker's delivery cap gave its command up) becomes a
 * `stalled` record, so `falco workflow status` shows it and why, instead of "running" while
 * nothing will wake the run again. Runs where the run's workspace is served (`falco triggers serve <run>`),
 * next to the action worker that invokes the coordinator; logged, then acknowledged.
 */
export class CoordinatorWatch {
  readonly #options: CoordinatorWatchOptions;
  #loop!: ConsumerLoop;

  private constructor(options: CoordinatorWatchOptions) {
    this.#options = options;
  }

  /** Starts watching; only failures published from now on are read (the action worker starts after it). */
  static async start(options: CoordinatorWatchOptions): Promise<CoordinatorWatch> {
    const watch = new CoordinatorWatch(options);
    watch.#loop = new ConsumerLoop(await watch.#open(), { open: () => watch.#open(), handle: (deliveries) => watch.#handle(deliveries) }, options);
    return watch;
  }

  #open(): Promise<EventConsumer> {
    return this.#options.store.events(this.#options.workspace).consumer(GROUP, 'watch', { start: '$' });
  }

  async #handle(deliveries: Delivery[]): Promise<void> {
    const { log, workspace } = this.#options;
    const stalls = deliveries.flatMap(({ event }) => stallOf(workspace, event));
    if (stalls.length > 0 && History.of(await log.read(workspace)).started) await log.append(workspace, appendedNow(stalls));
    await this.#loop.consumer.ack(deliveries.map((delivery) => delivery.entryId));
  }

  whenIdle(): Promise<void> {
    return this.#loop.whenIdle();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}

function stallOf(run: string, event: FalcoEvent): StalledRecord[] {
  const data = (event.data ?? {}) as { trigger?: unknown; idempotencyKey?: unknown; error?: ErrorInfo; deliveries?: unknown };
  if (event.type !== INVOCATION_FAILED || data.trigger !== WAKE_TRIGGER || typeof data.idempotencyKey !== 'string' || !data.idempotencyKey.startsWith(`${run}/${WAKE_TRIGGER}/`)) return [];
  const error = data.error ?? { class: 'fatal', name: 'Error', message: 'the coordinator function failed and reported no error' };
  return [{ kind: 'stalled', command: data.idempotencyKey, error, ...(typeof data.deliveries === 'number' ? { deliveries: data.deliveries } : {}) }];
}
