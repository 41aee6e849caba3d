import { randomUUID } from 'node:crypto';
import type { Json, WorkspaceStore } from '../../stores/ports/workspace.js';
import { WorkflowRun } from './advance.js';
import { WorkflowStateError } from './errors.js';
import type { FlowGraph } from './graph.js';
import { byCreation, detailOf, summaryOf } from './record.js';
import type { WorkflowChange, WorkflowDetail, WorkflowService, WorkflowState, WorkflowSummary } from './service-types.js';
import { transact, Transaction } from './transaction.js';
import { checkGraph } from './validate.js';
import { Watcher } from './watch.js';

/** The workspace a workflow service keeps its workflows in, unless told otherwise. */
export const DEFAULT_WORKFLOW_WORKSPACE = 'falco-workflows';

export interface WorkflowsOptions {
  readonly store: WorkspaceStore;
  /** @default "falco-workflows" */
  readonly workspace?: string;
  /**
   * The task kinds this service's workers take (wait kinds need none). Given, a graph naming any
   * other kind is refused at start; not given, such a task fails when no worker has ever read its kind.
   */
  readonly kinds?: readonly string[];
  /** How often `watch` looks for changes made by other processes, in ms. @default 250 */
  readonly watchPollMs?: number;
}

const ENDED: readonly WorkflowState[] = ['finished', 'failed', 'terminated'];

/**
 * The workflow service on any workspace store: on memory or files in one process (with a lifecycle
 * worker and task workers beside it: `startEmbeddedWorkflows`), or on Redis, where lifecycle and
 * task workers run in other processes. Every change is one guarded checkpoint.
 */
export class Workflows implements WorkflowService {
  readonly workspace: string;
  readonly #store: WorkspaceStore;
  readonly #kinds: readonly string[] | undefined;
  readonly #pollMs: number;
  readonly #watchers = new Set<Watcher>();

  private constructor(options: WorkflowsOptions) {
    this.#store = options.store;
    this.workspace = options.workspace ?? DEFAULT_WORKFLOW_WORKSPACE;
    this.#kinds = options.kinds;
    this.#pollMs = options.watchPollMs ?? 250;
  }

  /** Creates the service's workspace if it does not exist. */
  static async open(options: WorkflowsOptions): Promise<Workflows> {
    const service = new Workflows(options);
    await options.store.createWorkspace(service.workspace);
    return service;
  }

  async start(graph: FlowGraph, input: Json = {}, options: { readonly id?: string } = {}): Promise<WorkflowSummary> {
    checkGraph(graph, this.#kinds);
    const id = checkWorkflowId(options.id ?? `${graph.name}-${randomUUID()}`);
    const { result } = await this.#transact(async (tx) => {
      if (await tx.workflow(id)) throw new WorkflowStateError(`a workflow "${id}" exists already: give another id, or leave it out for a fresh one`);
      const record = tx.create(WorkflowRun.create(id, graph, input, tx.now));
      new WorkflowRun(record, tx, tx.now).begin();
      return summaryOf(record);
    });
    return result;
  }

  async list(options: { readonly archived?: boolean } = {}): Promise<WorkflowSummary[]> {
    const archived = options.archived ?? false;
    return (await this.#reader().headers())
      .filter((record) => record.archived === archived)
      .sort(byCreation)
      .map(summaryOf);
  }

  async inspect(id: string): Promise<WorkflowDetail | undefined> {
    const record = await this.#reader().workflow(id);
    return record && detailOf(record);
  }

  pause(id: string): Promise<WorkflowSummary> {
    return this.#change(id, (run) => run.pause());
  }

  resume(id: string): Promise<WorkflowSummary> {
    return this.#change(id, (run) => run.resume());
  }

  terminate(id: string): Promise<WorkflowSummary> {
    return this.#change(id, (run) => run.terminate());
  }

  restart(id: string): Promise<WorkflowSummary> {
    return this.#change(id, (run) => run.restart());
  }

  archive(id: string): Promise<WorkflowSummary> {
    return this.#change(id, ({ record }) => {
      if (!ENDED.includes(record.state)) throw new WorkflowStateError(`cannot archive workflow "${id}": it is ${record.state}; terminate it first (archive applies to a ${ENDED.join(', ')} workflow)`);
      record.archived = true;
    });
  }

  restore(id: string): Promise<WorkflowSummary> {
    return this.#change(id, ({ record }) => {
      if (!record.archived) throw new WorkflowStateError(`cannot restore workflow "${id}": it is not archived`);
      record.archived = false;
    });
  }

  async watch(listener: (change: WorkflowChange) => void): Promise<() => Promise<void>> {
    const watcher = new Watcher(this.#store, this.workspace, listener, this.#pollMs);
    await watcher.start();
    this.#watchers.add(watcher);
    return async () => {
      this.#watchers.delete(watcher);
      await watcher.stop();
    };
  }

  async close(): Promise<void> {
    const watchers = [...this.#watchers];
    this.#watchers.clear();
    await Promise.all(watchers.map((watcher) => watcher.stop()));
  }

  /** A transaction only read from, never committed. */
  #reader(): Transaction {
    return new Transaction(this.#store, this.workspace);
  }

  async #change(id: string, change: (run: WorkflowRun) => void): Promise<WorkflowSummary> {
    const { result } = await this.#transact(async (tx) => {
      const record = await tx.workflow(id);
      if (!record) throw new WorkflowStateError(`there is no workflow "${id}": see list()`);
      change(new WorkflowRun(record, tx, tx.now));
      return summaryOf(record);
    });
    return result;
  }

  async #transact<T>(body: (tx: Transaction) => Promise<T>) {
    const done = await transact(this.#store, this.workspace, body);
    for (const watcher of this.#watchers) watcher.poke();
    return done;
  }
}

function checkWorkflowId(id: string): string {
  if (!/^[\w.:-]{1,200}$/.test(id)) throw new WorkflowStateError(`"${id}" cannot be a workflow id: use 1 to 200 letters, digits, ".", "_", "-" or ":"`);
  return id;
}
