import { definedOnly } from '../../src/defined.js';
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

/** A workflow's own record: what it runs, on what, and its own state. Written only when that state changes. */
export interface WorkflowHeader {
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
}

/** What a task out is doing: running or waiting, or ready to start on resume or restart. */
export type OutState = 'running' | 'waiting' | 'ready';

/** The tasks of a workflow that are out, by node: kept beside the header, so a task end need not read every node to know whether the workflow is done. */
export interface ProgressRecord {
  out: Record<string, OutState>;
}

/**
 * A workflow as the lifecycle advances it: its header, and the records of the nodes read (each a
 * record of its own in the store). A task end reads only the nodes it may touch; `elsewhere` has
 * the tasks out among the others.
 */
export interface WorkflowRecord extends WorkflowHeader {
  nodes: Record<string, NodeRecord>;
  elsewhere: Record<string, OutState>;
}

/** A node running or waiting counts as such even if activated again meanwhile (ready): it is out until it ends. */
export function outStateOf(run: NodeRecord): OutState | undefined {
  if (run.state === 'running' || run.state === 'waiting') return run.state;
  return run.ready ? 'ready' : undefined;
}

/** A node no end has reached yet: kept in the store only once it changes. */
export function freshNode(): NodeRecord {
  return { state: 'pending', attempt: 0, dispatch: 0, activation: 0 };
}

export function headerOf({ nodes: _nodes, elsewhere: _elsewhere, ...header }: WorkflowRecord): WorkflowHeader {
  return header;
}

/** A named countdown latch shared by workflows: its count, and the `wait:countdown` tasks waiting for zero. */
export interface LatchRecord {
  count: number;
  waiters: Array<{ workflow: string; node: string; dispatch: number; input: Json }>;
}

/**
 * Workflow headers, node records and latches are kept as triggers of the service's workspace (their
 * context is the record, their `fired` count its version, which guarded checkpoints compare).
 * Their condition and action are registered nowhere, so a trigger service refuses to run the
 * workspace by mistake.
 */
export const RECORD_TRIGGER = 'falco.tasks.record';
/** The ids of workflow headers start with it, and (with those of node and progress records) with `WORKFLOW_RECORDS`. */
export const HEADER_PREFIX = 'workflow:';
export const WORKFLOW_RECORDS = 'workflow';
const NODE_PREFIX = 'workflow-task:';
export const progressKey = (id: string) => `workflow-out:${id}`;
export const workflowKey = (id: string) => `${HEADER_PREFIX}${id}`;
/** A workflow id has no "/", so the first one ends it. */
export const nodeKey = (workflow: string, node: string) => `${NODE_PREFIX}${workflow}/${node}`;
export const latchKey = (name: string) => `latch:${name}`;

/** What a key of `WORKFLOW_RECORDS` names: a workflow's header, or one of its nodes (undefined: its progress). */
export function recordOfKey(key: string): { workflow: string; node?: string } | undefined {
  if (key.startsWith(HEADER_PREFIX)) return { workflow: key.slice(HEADER_PREFIX.length) };
  if (!key.startsWith(NODE_PREFIX)) return undefined;
  const slash = key.indexOf('/', NODE_PREFIX.length);
  return { workflow: key.slice(NODE_PREFIX.length, slash), node: key.slice(slash + 1) };
}

type Kept = WorkflowHeader | NodeRecord | ProgressRecord | LatchRecord;

export function toTrigger(id: string, context: Kept, fired: number): TriggerRecord {
  return { spec: { id, activation: [], condition: { name: RECORD_TRIGGER }, action: { name: RECORD_TRIGGER } }, context: context as unknown as JsonObject, fired };
}

/** The record a trigger keeps (this module wrote it: the shape is ours). */
export function fromTrigger<R extends Kept>(record: TriggerRecord): R {
  return record.context as unknown as R;
}

/** The order workflows are listed in: oldest first, then by id. */
export function byCreation(a: Pick<WorkflowSummary, 'createdAt' | 'id'>, b: Pick<WorkflowSummary, 'createdAt' | 'id'>): number {
  return a.createdAt - b.createdAt || a.id.localeCompare(b.id);
}

export function summaryOf(record: WorkflowSummary): WorkflowSummary {
  return { id: record.id, name: record.name, state: record.state, createdAt: record.createdAt, ...(record.endedAt === undefined ? {} : { endedAt: record.endedAt }), archived: record.archived };
}

export function taskRunOf(graph: FlowGraph, node: string, run: NodeRecord): TaskRun {
  const name = graph.nodes.find((n) => n.id === node)!.name;
  const { startedAt, endedAt, input, output, error, attempts } = run;
  return { node, name, state: run.state, attempt: run.attempt, ...definedOnly({ startedAt, endedAt, input, output, error, attempts }) };
}

/** A workflow's detail but for its tasks: what its header holds. */
export function headerDetailOf(header: WorkflowHeader): Omit<WorkflowDetail, 'tasks'> {
  return { ...summaryOf(header), graph: header.graph, input: header.input, ...definedOnly({ output: header.output, error: header.error }) };
}

export function detailOf(record: WorkflowRecord): WorkflowDetail {
  return { ...headerDetailOf(record), tasks: record.graph.nodes.map((node) => taskRunOf(record.graph, node.id, record.nodes[node.id]!)) };
}
