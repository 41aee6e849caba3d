import type { Json } from '../../../stores/ports/workspace.js';
import type { FlowGraph } from '../../tasks/graph.js';
import type { TaskRun, WorkflowDetail, WorkflowSummary } from '../../tasks/service-types.js';
import { WorkflowApiError } from '../errors.js';

/** Which engine runs a workflow: the workflow service's graphs (DAGs, `.flow` files), state machines, or workflows as code. */
export type WorkflowKind = 'graph' | 'state-machine' | 'code';

/** The lifecycle calls `POST /api/workflows/:id/:action` makes. */
export const WORKFLOW_ACTIONS = ['pause', 'resume', 'terminate', 'restart', 'archive', 'restore'] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** A workflow as the API lists it: the service's summary and the kind of engine that runs it. */
export interface WorkflowListing extends WorkflowSummary {
  readonly kind: WorkflowKind;
}

/**
 * One task of a workflow as the API shows it. A state machine's state entered several times (a
 * loop, a Map's iterations) shows its last entry, and `entries` counts them all.
 */
export interface WorkflowTask extends TaskRun {
  readonly entries?: number;
}

/** A workflow as the API inspects it: its graph (for a state machine its states, for code its calls in log order) and tasks. */
export interface WorkflowView extends WorkflowDetail {
  readonly kind: WorkflowKind;
  readonly tasks: readonly WorkflowTask[];
}

/** What changed, as the API streams it. */
export type WorkflowUpdate = { readonly kind: 'workflow'; readonly workflow: WorkflowListing } | { readonly kind: 'task'; readonly workflow: string; readonly task: WorkflowTask };

/** How a workflow is started, by kind: a flow graph (or `.flow` text, compiled first), a state-machine definition, or a workflow as code by name. */
export type StartDefinition =
  | { readonly kind: 'graph'; readonly graph: FlowGraph }
  | { readonly kind: 'state-machine'; readonly definition: Json }
  | { readonly kind: 'code'; readonly workflow: string };

export interface StartOptions {
  readonly input?: Json | undefined;
  readonly id?: string | undefined;
}

/**
 * One engine's workflows as the API serves them: list, inspect, start, the lifecycle calls it
 * supports, and a change feed. A call the engine lacks throws `unsupported(...)` (a 409 naming what
 * this kind supports), never does nothing.
 */
export interface WorkflowSource {
  readonly kind: WorkflowKind;
  list(options: { readonly archived: boolean }): Promise<WorkflowListing[]>;
  /** `undefined` when this source has no such workflow. */
  inspect(id: string): Promise<WorkflowView | undefined>;
  start(definition: StartDefinition, options: StartOptions): Promise<WorkflowListing>;
  act(id: string, action: WorkflowAction): Promise<WorkflowListing>;
  /** Calls `listener` for every change until the returned function is called. */
  watch(listener: (update: WorkflowUpdate) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The 409 for a lifecycle call an engine does not have; `supports` says what it does instead. */
export function unsupported(what: string, action: WorkflowAction, supports: string): WorkflowApiError {
  return new WorkflowApiError(409, `${what} cannot be ${PAST[action]}: ${supports}`);
}

const PAST: Record<WorkflowAction, string> = { pause: 'paused', resume: 'resumed', terminate: 'terminated', restart: 'restarted', archive: 'archived', restore: 'restored' };
