import type { ErrorInfo } from '../../src/invocation.js';
import type { Json } from '../../stores/ports/workspace.js';
import type { FlowGraph } from './graph.js';

export type WorkflowState = 'running' | 'paused' | 'terminating' | 'terminated' | 'failed' | 'finished';
export type TaskState = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';

/** One workflow as a list shows it. Times are ms since the epoch. */
export interface WorkflowSummary {
  readonly id: string;
  readonly name: string;
  readonly state: WorkflowState;
  readonly createdAt: number;
  readonly endedAt?: number;
  readonly archived: boolean;
}

/** One node of a workflow's graph as it ran: the latest attempt. */
export interface TaskRun {
  readonly node: string;
  readonly name: string;
  readonly state: TaskState;
  /** 1 for the first attempt; a restart or a redelivery to another worker counts another. */
  readonly attempt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly input?: Json;
  readonly output?: Json;
  readonly error?: ErrorInfo;
  /** A `falco:<function>` task's attempt records, as falco's executor made them (platform timings, errors, retries). */
  readonly attempts?: readonly Json[];
}

export interface WorkflowDetail extends WorkflowSummary {
  readonly graph: FlowGraph;
  readonly input: Json;
  readonly output?: Json;
  readonly error?: ErrorInfo;
  readonly tasks: readonly TaskRun[];
}

/** What changed, as the API streams it (server-sent events) to the console. */
export type WorkflowChange =
  | { readonly kind: 'workflow'; readonly workflow: WorkflowSummary }
  | { readonly kind: 'task'; readonly workflow: string; readonly task: TaskRun };

/**
 * The distributed workflow service as its API and console see it. The Redis-backed implementation
 * serves several processes; the embedded one runs in one process on memory or files.
 */
export interface WorkflowService {
  start(graph: FlowGraph, input?: Json, options?: { readonly id?: string }): Promise<WorkflowSummary>;
  list(options?: { readonly archived?: boolean }): Promise<WorkflowSummary[]>;
  /** `undefined` when there is no such workflow. */
  inspect(id: string): Promise<WorkflowDetail | undefined>;
  pause(id: string): Promise<WorkflowSummary>;
  resume(id: string): Promise<WorkflowSummary>;
  terminate(id: string): Promise<WorkflowSummary>;
  /** Runs a failed workflow again from its failed tasks (finished tasks keep their outputs). */
  restart(id: string): Promise<WorkflowSummary>;
  archive(id: string): Promise<WorkflowSummary>;
  restore(id: string): Promise<WorkflowSummary>;
  /** Calls `listener` for every change until the returned function is called. */
  watch(listener: (change: WorkflowChange) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
