import type { ErrorInfo } from '../../src/invocation.js';
import type { Json, JsonObject, TriggerRecord } from '../../stores/ports/workspace.js';
import type { FlowGraph } from './graph.js';
import type { TaskRun, TaskState, WorkflowDetail, WorkflowState, WorkflowSummary } from './service-types.js';

/** One node of a running workflow, as the store keeps it. */
export interface NodeRecord {
  state: TaskState;
  /** Attempts so far: restarts and redeliveries to another worker both count. 0 before the first. */
  attempt: number;
  /** The dispatch now out (0: never dispatched); only an end-task for this one counts. */
  dispatch: number;
  /** Ends of incoming edges seen and not yet used to start the node (littleflow's activation count). */
  activation: number;
  /** Activated while the workflow could not dispatch (paused, failed): dispatched on resume or restart. */
  ready?: boolean;
  startedAt?: number;
  endedAt?: number;
  input?: Json;
  output?: Json;
  error?: ErrorInfo;
  /** A `falco:` task's attempt records from falco's executor. */
  attempts?: Json[];
}

export interface WorkflowRecord {
  id: string;
  name: string;
  graph: FlowGraph;
  input: Json;
  state: WorkflowState;
  createdAt: number;
  endedAt?: number;
  archived: boolean;
  output?: Json;
  error?: ErrorInfo;
  nodes: Record<string, NodeRecord>;
}

/** A named countdown latch shared by workflows: its count, and the `wait:countdown` tasks waiting for zero. */
export interface LatchRecord {
  count: number;
  waiters: Array<{ workflow: string; node: string; dispatch: number; input: Json }>;
}

/**
 * Workflows and latches are kept as triggers of the service's workspace (their context is the
 * record, their `fired` count its version, which guarded checkpoints compare). Their condition and
 * action are registered nowhere, so a trigger service refuses to run the workspace by mistake.
 */
export const RECORD_TRIGGER = 'falco.tasks.record';
export const workflowKey = (id: string) => `workflow:${id}`;
export const latchKey = (name: string) => `latch:${name}`;

export function toTrigger(id: string, context: WorkflowRecord | LatchRecord, fired: number): TriggerRecord {
  return { spec: { id, activation: [], condition: { name: RECORD_TRIGGER }, action: { name: RECORD_TRIGGER } }, context: context as unknown as JsonObject, fired };
}

/** The record a trigger keeps (this module wrote it: the shape is ours). */
export function fromTrigger<R extends WorkflowRecord | LatchRecord>(record: TriggerRecord): R {
  return record.context as unknown as R;
}

export function summaryOf(record: WorkflowRecord): WorkflowSummary {
  return { id: record.id, name: record.name, state: record.state, createdAt: record.createdAt, ...(record.endedAt === undefined ? {} : { endedAt: record.endedAt }), archived: record.archived };
}

export function taskRunOf(record: WorkflowRecord, node: string): TaskRun {
  const run = record.nodes[node]!;
  const name = record.graph.nodes.find((n) => n.id === node)!.name;
  const optional = { startedAt: run.startedAt, endedAt: run.endedAt, input: run.input, output: run.output, error: run.error, attempts: run.attempts };
  return { node, name, state: run.state, attempt: run.attempt, ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)) };
}

export function detailOf(record: WorkflowRecord): WorkflowDetail {
  return {
    ...summaryOf(record),
    graph: record.graph,
    input: record.input,
    ...(record.output === undefined ? {} : { output: record.output }),
    ...(record.error === undefined ? {} : { error: record.error }),
    tasks: record.graph.nodes.map((node) => taskRunOf(record, node.id)),
  };
}
