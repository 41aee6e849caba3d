import { CheckpointConflictError, type Checkpoint, type Timer, type TriggerRecord, type WorkspaceStore } from '../../stores/ports/workspace.js';
import type { FalcoEvent } from '../../stores/ports/event.js';
import { endTaskEvent, failedEnd, RECEIPTS_STREAM, receiptEvent, startTaskEvent, taskStream, type Receipt, type StartTask } from './events.js';
import { taskError, type LatchOp, type StepEffects } from './effects.js';
import type { FlowGraph } from './graph.js';
import { nodesAround } from './reach.js';
import { freshNode, fromTrigger, HEADER_PREFIX, headerOf, latchKey, nodeKey, outStateOf, progressKey, toTrigger, workflowKey, type LatchRecord, type NodeRecord, type OutState, type ProgressRecord, type WorkflowHeader, type WorkflowRecord } from './record.js';

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

/** A record as read: its version, and its JSON then, against which the commit finds what changed. */
interface Read {
  readonly fired: number | null;
  readonly json: string;
}

/** A workflow as read: its header, its progress and the nodes read, with what they were when read. */
interface HeldWorkflow {
  readonly record: WorkflowRecord;
  readonly header: Read;
  readonly progress: Read;
  readonly nodes: Record<string, Read>;
}

/** A step reached a node its transaction did not read: it is redone on every node of the workflow. */
class UnreadNode extends Error {}

/**
 * One read-change-write of workflow and latch records: what it read, with the versions read;
 * what it changed; the tasks, timers, events and receipts to write with them. `commit` writes it
 * all in one checkpoint guarded by the versions read, so two writers never both apply a change
 * to the same record: the second gets a conflict and redoes its batch on what the first wrote.
 * A workflow is its header, a record per node and a record of the nodes out: the commit writes
 * only those that changed, and guards every record of a workflow it read for a change, so a pause
 * racing a task end, or two ends of one workflow, make the later redo on what the earlier wrote.
 */
export class Transaction implements StepEffects {
  readonly now = Date.now();
  readonly #store: WorkspaceStore;
  readonly #workspace: string;
  readonly #headers = new Map<string, { header: WorkflowHeader; fired: number }>();
  readonly #workflows = new Map<string, HeldWorkflow | undefined>();
  readonly #latches = new Map<string, Held<LatchRecord>>();
  readonly #latchOps: Array<{ op: LatchOp; name: string; task: StartTask }> = [];
  readonly #tasks: Record<string, Array<FalcoEvent<StartTask>>> = {};
  readonly #events: FalcoEvent[] = [];
  readonly #receipts: FalcoEvent[] = [];
  readonly #acks: string[] = [];
  readonly #timers = { set: [] as Timer[], cancel: [] as string[] };
  readonly #everyNode: boolean;
  #allHeaders: Promise<WorkflowHeader[]> | undefined;

  /** `everyNode`: `workflowAround` reads every node too (a step reached one it had not read). */
  constructor(store: WorkspaceStore, workspace: string, { everyNode = false }: { readonly everyNode?: boolean } = {}) {
    this.#store = store;
    this.#workspace = workspace;
    this.#everyNode = everyNode;
  }

  /** The workflow as stored (or as this transaction changed it), its header and every node (unless read around a node first); undefined if there is none. */
  async workflow(id: string): Promise<WorkflowRecord | undefined> {
    if (!this.#workflows.has(id)) this.#workflows.set(id, await this.#load(id));
    return this.#workflows.get(id)?.record;
  }

  /**
   * The workflow with only the nodes ends of `ended` may touch (`nodesAround`), unless this
   * transaction reads every node. The first call for a workflow reads it: name every node of it
   * that ends in the transaction then.
   */
  async workflowAround(id: string, ended: readonly string[]): Promise<WorkflowRecord | undefined> {
    if (!this.#workflows.has(id)) this.#workflows.set(id, await this.#load(id, this.#everyNode ? undefined : ended));
    return this.#workflows.get(id)?.record;
  }

  /** Every workflow's header (archived ones too), without their nodes. */
  headers(): Promise<WorkflowHeader[]> {
    this.#allHeaders ??= this.#store.listTriggers(this.#workspace, { prefix: HEADER_PREFIX }).then((records) =>
      records.map((record) => {
        const header = fromTrigger<WorkflowHeader>(record);
        this.#headers.set(header.id, { header, fired: record.fired });
        return header;
      }),
    );
    return this.#allHeaders;
  }

  async #load(id: string, around?: readonly string[]): Promise<HeldWorkflow | undefined> {
    let read = this.#headers.get(id);
    if (!read) {
      const stored = await this.#store.getTrigger(this.#workspace, workflowKey(id));
      if (!stored) return undefined;
      read = { header: fromTrigger<WorkflowHeader>(stored), fired: stored.fired };
    }
    const { graph } = read.header;
    const ids = around === undefined ? graph.nodes.map((node) => node.id) : nodesAround(graph, around);
    const [progress, ...stored] = await this.#store.getTriggers(this.#workspace, [progressKey(id), ...ids.map((node) => nodeKey(id, node))]);
    const nodes: Record<string, NodeRecord> = {};
    const reads: Record<string, Read> = {};
    ids.forEach((node, index) => {
      const trigger = stored[index];
      nodes[node] = trigger ? fromTrigger<NodeRecord>(trigger) : freshNode();
      reads[node] = { fired: trigger?.fired ?? null, json: JSON.stringify(nodes[node]) };
    });
    const out = progress ? fromTrigger<ProgressRecord>(progress).out : {};
    const elsewhere = Object.fromEntries(Object.entries(out).filter(([node]) => !Object.hasOwn(nodes, node)));
    const record: WorkflowRecord = { ...read.header, nodes: around === undefined ? nodes : unreadFails(nodes, graph), elsewhere };
    return { record, header: { fired: read.fired, json: JSON.stringify(read.header) }, progress: { fired: progress?.fired ?? null, json: JSON.stringify(out) }, nodes: reads };
  }

  /** Adds a new workflow (its nodes fresh); the commit fails if one with its id exists by then. */
  create(header: WorkflowHeader): WorkflowRecord {
    const nodes = Object.fromEntries(header.graph.nodes.map((node) => [node.id, freshNode()]));
    const fresh = JSON.stringify(freshNode());
    const record: WorkflowRecord = { ...header, nodes, elsewhere: {} };
    this.#workflows.set(header.id, { record, header: { fired: null, json: '' }, progress: { fired: null, json: '{}' }, nodes: Object.fromEntries(Object.keys(nodes).map((node) => [node, { fired: null, json: fresh }])) });
    return record;
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
    const write = (key: string, record: WorkflowHeader | NodeRecord | ProgressRecord | LatchRecord, fired: number | null) => {
      triggers.push(toTrigger(key, record, (fired ?? -1) + 1));
      expect[key] = fired;
    };
    for (const [id, held] of this.#workflows) {
      if (!held) continue;
      const header = headerOf(held.record);
      const headerChanged = JSON.stringify(header) !== held.header.json;
      const nodes = Object.entries(held.nodes).map(([node, read]) => ({ key: nodeKey(id, node), record: held.record.nodes[node]!, read }));
      const changed = nodes.filter(({ record, read }) => JSON.stringify(record) !== read.json);
      if (!headerChanged && changed.length === 0) continue;
      if (headerChanged) write(workflowKey(id), header, held.header.fired);
      else expect[workflowKey(id)] = held.header.fired;
      const progress = progressOf(held.record);
      if (JSON.stringify(progress.out) !== held.progress.json) write(progressKey(id), progress, held.progress.fired);
      else expect[progressKey(id)] = held.progress.fired;
      for (const { key, read } of nodes) expect[key] = read.fired;
      for (const { key, record, read } of changed) write(key, record, read.fired);
    }
    for (const [name, held] of this.#latches) if (held.changed) write(latchKey(name), held.record, held.fired);
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

  async #latch(name: string): Promise<Held<LatchRecord>> {
    let held = this.#latches.get(name);
    if (!held) {
      const stored = await this.#store.getTrigger(this.#workspace, latchKey(name));
      held = { record: stored ? fromTrigger<LatchRecord>(stored) : { count: 0, waiters: [] }, fired: stored?.fired ?? null, changed: false };
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
  let everyNode = false;
  for (let conflicts = 0; ; conflicts++) {
    const tx = new Transaction(store, workspace, { everyNode });
    try {
      const result = await body(tx);
      await tx.commit();
      return { result, tx };
    } catch (error) {
      if (error instanceof UnreadNode && !everyNode) everyNode = true;
      else if (!(error instanceof CheckpointConflictError) || conflicts >= MAX_CONFLICTS) throw error;
    }
  }
}

/** The tasks out after the step: those it did not read as they were, and those it read as they are now (sorted, so an unchanged set compares equal). */
function progressOf(record: WorkflowRecord): ProgressRecord {
  const out: Record<string, OutState> = { ...record.elsewhere };
  for (const [node, run] of Object.entries(record.nodes)) {
    const state = outStateOf(run);
    if (state) out[node] = state;
  }
  return { out: Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

/** The nodes read, as a step sees them: one of the graph's others throws `UnreadNode`, and the step is redone on them all. */
function unreadFails(nodes: Record<string, NodeRecord>, graph: FlowGraph): Record<string, NodeRecord> {
  const inGraph = new Set(graph.nodes.map((node) => node.id));
  return new Proxy(nodes, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !Object.hasOwn(target, key) && inGraph.has(key)) throw new UnreadNode(`node "${key}" was not read`);
      return Reflect.get(target, key, receiver);
    },
  });
}
