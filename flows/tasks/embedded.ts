import { MemoryWorkspaceStore } from '../../stores/memory/workspace-store.js';
import type { Json, WorkspaceStore } from '../../stores/ports/workspace.js';
import type { FlowGraph } from './graph.js';
import { LifecycleWorker } from './lifecycle.js';
import type { WorkflowChange, WorkflowDetail, WorkflowService, WorkflowSummary } from './service-types.js';
import { TaskWorker, type TaskBatchKind, type TaskKind } from './task-worker.js';
import { Workflows } from './workflows.js';

export interface EmbeddedWorkflowsOptions {
  /** Memory (the default) or files; one process at a time. */
  readonly store?: WorkspaceStore;
  /** @default "falco-workflows" */
  readonly workspace?: string;
  /** The task kinds this process runs; a graph naming another (wait kinds aside) is refused at start. */
  readonly kinds: Readonly<Record<string, TaskKind | TaskBatchKind>>;
  /** @default 250 */
  readonly watchPollMs?: number;
}

/**
 * The workflow service, its lifecycle worker and a task worker for `kinds`, in this process: what
 * the Redis deployment runs as separate processes, with nothing to start beside it.
 */
export class EmbeddedWorkflows implements WorkflowService {
  readonly #service: Workflows;
  readonly #lifecycle: LifecycleWorker;
  readonly #worker: TaskWorker;
  readonly #ownsStore: WorkspaceStore | undefined;

  private constructor(service: Workflows, lifecycle: LifecycleWorker, worker: TaskWorker, ownsStore: WorkspaceStore | undefined) {
    this.#service = service;
    this.#lifecycle = lifecycle;
    this.#worker = worker;
    this.#ownsStore = ownsStore;
  }

  static async start(options: EmbeddedWorkflowsOptions): Promise<EmbeddedWorkflows> {
    const store = options.store ?? new MemoryWorkspaceStore();
    const shared = { store, ...(options.workspace === undefined ? {} : { workspace: options.workspace }) };
    const service = await Workflows.open({ ...shared, kinds: Object.keys(options.kinds), ...(options.watchPollMs === undefined ? {} : { watchPollMs: options.watchPollMs }) });
    const lifecycle = await LifecycleWorker.start(shared);
    const worker = await TaskWorker.start({ ...shared, kinds: options.kinds });
    return new EmbeddedWorkflows(service, lifecycle, worker, options.store ? undefined : store);
  }

  start(graph: FlowGraph, input?: Json, options?: { readonly id?: string }): Promise<WorkflowSummary> {
    return this.#service.start(graph, input, options);
  }

  list(options?: { readonly archived?: boolean }): Promise<WorkflowSummary[]> {
    return this.#service.list(options);
  }

  inspect(id: string): Promise<WorkflowDetail | undefined> {
    return this.#service.inspect(id);
  }

  pause(id: string): Promise<WorkflowSummary> {
    return this.#service.pause(id);
  }

  resume(id: string): Promise<WorkflowSummary> {
    return this.#service.resume(id);
  }

  terminate(id: string): Promise<WorkflowSummary> {
    return this.#service.terminate(id);
  }

  restart(id: string): Promise<WorkflowSummary> {
    return this.#service.restart(id);
  }

  archive(id: string): Promise<WorkflowSummary> {
    return this.#service.archive(id);
  }

  restore(id: string): Promise<WorkflowSummary> {
    return this.#service.restore(id);
  }

  watch(listener: (change: WorkflowChange) => void): Promise<() => Promise<void>> {
    return this.#service.watch(listener);
  }

  /** Stops the workers (each finishes the batch in hand) and the watchers; closes the store if it made it. */
  async close(): Promise<void> {
    await Promise.all([this.#service.close(), this.#worker.stop(), this.#lifecycle.stop()]);
    await this.#ownsStore?.close();
  }
}
