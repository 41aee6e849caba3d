import { CheckpointConflictError, type Checkpoint, type Timer, type TriggerRecord, type WorkspaceStore } from '../../stores/ports/workspace.js';
import type { FalcoEvent } from '../../stores/ports/event.js';
import { endTaskEvent, failedEnd, RECEIPTS_STREAM, receiptEvent, startTaskEvent, taskStream, type Receipt, type StartTask } from './events.js';
import { taskError, type LatchOp, type StepEffects } from './effects.js';
import { fromTrigger, latchKey, toTrigger, workflowKey, type LatchRecord, type WorkflowRecord } from './record.js';

/** The consumer group of the service's event stream that the lifecycle workers share. */
export const LIFECYCLE_GROUP = 'falco-lifecycle';

/** Task streams known to have a consumer group (a worker has read them), per store: groups are not removed. */
const readStreams = new WeakMap<WorkspaceStore, Set<string>>();

/** How often a batch is redone after another writer changed a record it read, before the failure is reported. */
const MAX_CONFLICTS = 50;

interface Held<R> {
  readonly record: R;
  /** The version read (`null`: new); the commit is guarded by it. */
  readonly fired: number | null;
  changed: boolean;
}

/**
 * One read-change-write of workflow and latch records: what it read, with the versions read;
 * what it changed; the tasks, timers, events and receipts to write with them. `commit` writes it
 * all in one checkpoint guarded by the versions read, so two writers never both apply a change
 * to the same record: the second gets a conflict and redoes its batch on what the first wrote.
 */
export class Transaction implements StepEffects {
  readonly now = Date.now();
  readonly #store: WorkspaceStore;
  readonly #workspace: string;
  readonly #workflows = new Map<string, Held<WorkflowRecord> | undefined>();
  readonly #latches = new Map<string, Held<LatchRecord>>();
  readonly #latchOps: Array<{ op: LatchOp; name: string; task: StartTask }> = [];
  readonly #tasks: Record<string, Array<FalcoEvent<StartTask>>> = {};
  readonly #events: FalcoEvent[] = [];
  readonly #receipts: FalcoEvent[] = [];
  readonly #acks: string[] = [];
  readonly #timers = { set: [] as Timer[], cancel: [] as string[] };
  #all: Promise<void> | undefined;

  constructor(store: WorkspaceStore, workspace: string) {
    this.#store = store;
    this.#workspace = workspace;
  }

  /** The workflow as stored (or as this transaction changed it); undefined if there is none. */
  async workflow(id: string): Promise<WorkflowRecord | undefined> {
    if (!this.#workflows.has(id)) this.#workflows.set(id, this.#held<WorkflowRecord>(await this.#store.getTrigger(this.#workspace, workflowKey(id))));
    return this.#workflows.get(id)?.record;
  }

  /** Every workflow, archived ones too. */
  async workflows(): Promise<WorkflowRecord[]> {
    this.#all ??= this.#store.listTriggers(this.#workspace).then((records) => {
      for (const record of records) {
        const id = record.spec.id.startsWith('workflow:') ? record.spec.id.slice('workflow:'.length) : undefined;
        if (id !== undefined && !this.#workflows.get(id)) this.#workflows.set(id, this.#held(record));
      }
    });
    await this.#all;
    return [...this.#workflows.values()].flatMap((held) => (held ? [held.record] : []));
  }

  /** Adds a new workflow; the commit fails if one with its id exists by then. */
  create(record: WorkflowRecord): void {
    this.#workflows.set(record.id, { record, fired: null, changed: true });
  }

  changed(record: WorkflowRecord): void {
    const held = this.#workflows.get(record.id);
    if (held) held.changed = true;
  }

  ack(entryId: string): void {
    this.#acks.push(entryId);
  }

  receipt(receipt: Receipt): void {
    this.#receipts.push(receiptEvent(receipt));
  }

  startTask(task: StartTask): void {
    (this.#tasks[taskStream(task.kind)] ??= []).push(startTaskEvent(task));
  }

  setTimer(timer: Timer): void {
    this.#timers.set.push(timer);
  }

  cancelTimer(id: string): void {
    this.#timers.cancel.push(id);
  }

  latch(op: LatchOp, name: string, task: StartTask): void {
    this.#latchOps.push({ op, name, task });
  }

  /** Writes everything in one guarded checkpoint: `CheckpointConflictError` if a record read changed meanwhile. */
  async commit(): Promise<void> {
    for (const { op, name, task } of this.#latchOps) this.#applyLatch(op, await this.#latch(name), task);
    await this.#failUnread();
    const triggers: TriggerRecord[] = [];
    const expect: Record<string, number | null> = {};
    const write = (key: string, held: Held<WorkflowRecord | LatchRecord>) => {
      triggers.push(toTrigger(key, held.record, (held.fired ?? -1) + 1));
      expect[key] = held.fired;
    };
    for (const [id, held] of this.#workflows) if (held?.changed) write(workflowKey(id), held);
    for (const [name, held] of this.#latches) if (held.changed) write(latchKey(name), held);
    const checkpoint: Checkpoint = {
      triggers,
      expect,
      removed: [],
      ack: { group: LIFECYCLE_GROUP, entryIds: this.#acks },
      events: this.#events,
      commands: [],
      timers: this.#timers,
      streams: { ...this.#tasks, ...(this.#receipts.length > 0 ? { [RECEIPTS_STREAM]: this.#receipts } : {}) },
    };
    await this.#store.commit(this.#workspace, checkpoint);
  }

  /** A task whose kind's stream no worker ever read could wait forever: it fails now, saying how to fix it. */
  async #failUnread(): Promise<void> {
    let known = readStreams.get(this.#store);
    if (!known) readStreams.set(this.#store, (known = new Set()));
    for (const [stream, starts] of Object.entries(this.#tasks)) {
      if (known.has(stream)) continue;
      if ((await this.#store.stream(this.#workspace, stream).info()).groups.length > 0) {
        known.add(stream);
        continue;
      }
      delete this.#tasks[stream];
      for (const start of starts) {
        const task = start.data!;
        const reason = `no task worker has ever taken kind "${task.kind}": start one (falco worker --kinds ${task.kind}), then restart the workflow`;
        this.#events.push(endTaskEvent(failedEnd(task, taskError(reason))));
      }
    }
  }

  #held<R extends WorkflowRecord | LatchRecord>(record: TriggerRecord | undefined): Held<R> | undefined {
    return record && { record: fromTrigger<R>(record), fired: record.fired, changed: false };
  }

  async #latch(name: string): Promise<Held<LatchRecord>> {
    let held = this.#latches.get(name);
    if (!held) {
      held = this.#held<LatchRecord>(await this.#store.getTrigger(this.#workspace, latchKey(name))) ?? { record: { count: 0, waiters: [] }, fired: null, changed: false };
      this.#latches.set(name, held);
    }
    return held;
  }

  /** Littleflow's countdown latch: acquire counts up, release counts down and at zero frees every countdown waiting. */
  #applyLatch(op: LatchOp, held: Held<LatchRecord>, task: StartTask): void {
    const latch = held.record;
    held.changed = true;
    const free = (waiter: LatchRecord['waiters'][number]) =>
      this.#events.push(endTaskEvent({ workflow: waiter.workflow, node: waiter.node, dispatch: waiter.dispatch, status: 'succeeded', output: waiter.input }));
    if (op === 'acquire') latch.count++;
    if (op === 'release') latch.count = Math.max(0, latch.count - 1);
    if (op === 'countdown' && latch.count > 0) {
      latch.waiters.push({ workflow: task.workflow, node: task.node, dispatch: task.dispatch, input: task.input });
      return;
    }
    free(task);
    if (op === 'release' && latch.count === 0) {
      for (const waiter of latch.waiters) free(waiter);
      latch.waiters = [];
    }
  }
}

/** Runs `body` on a fresh transaction and commits it; after a conflict, again on what the other writer wrote. */
export async function transact<T>(store: WorkspaceStore, workspace: string, body: (tx: Transaction) => Promise<T>): Promise<{ result: T; tx: Transaction }> {
  for (let conflicts = 0; ; conflicts++) {
    const tx = new Transaction(store, workspace);
    const result = await body(tx);
    try {
      await tx.commit();
      return { result, tx };
    } catch (error) {
      if (!(error instanceof CheckpointConflictError) || conflicts >= MAX_CONFLICTS) throw error;
    }
  }
}
