/** `falco/flows`: the event engine (triggers over CloudEvents) and what runs it. */
export { TriggerEngine, type BatchOutcome, type Rejected } from './triggers/engine.js';
export { Registry, type ResolvedTrigger } from './triggers/registry.js';
export { createRegistry } from './triggers/builtins.js';
export { DeliveryCapError, DeploymentNotKnownError, DuplicateRegistrationError, TriggerDefinitionError } from './triggers/errors.js';
export { ActionWorker, resultEventId, type ActionWorkerOptions } from './triggers/action-worker.js';
export { compareEntryIds } from './triggers/entry-id.js';
export { TriggerIndex } from './triggers/trigger-index.js';
export { render, TEMPLATE_ROOTS, templated, type TemplateScope } from './triggers/template.js';
export { JOIN_EXPECTED_TYPE, joinCondition, type JoinOptions } from './triggers/conditions/join.js';
export { counterCondition, type CounterOptions } from './triggers/conditions/counter.js';
export { trueCondition } from './triggers/conditions/true.js';
export { stateIn } from './triggers/conditions/state.js';
export { passAction } from './triggers/actions/pass.js';
export { publishAction, type PublishOptions } from './triggers/actions/publish.js';
export { TERMINATED_TYPE, terminateAction, type TerminateOptions } from './triggers/actions/terminate.js';
export { invokeAction, type InvokeOptions } from './triggers/actions/invoke.js';
export { firingKey, triggerSource } from './triggers/actions/naming.js';
export {
  deployableSpec,
  INVOCATION_FAILED,
  INVOCATION_SUCCEEDED,
  INVOKE_COMMAND_TYPE,
  invokeCommand,
  type DeployableSpec,
  type InvokeCommand,
} from './triggers/commands.js';
export type { ActionCall, ActionDefinition, ConditionDefinition, TriggerCall } from './triggers/types.js';
export { TRIGGERS_CHANGED_TYPE, TriggerService, type TriggerServiceOptions } from './triggers/service.js';
export { Workspaces } from './triggers/workspaces.js';
export { parseTriggerSpec, WORKSPACE_NAME } from './triggers/spec.js';
export type { LoopOptions } from './triggers/consumer-loop.js';
export type { Checkpoint, EventFilter, Json, JsonObject, NamedRef, StreamAck, Timer, TriggerRecord, TriggerSpec, WorkspaceStore } from '../stores/ports/workspace.js';
export { makeEvent, type EventInit, type FalcoEvent } from '../stores/ports/event.js';
export { attachEventSink, PHASE_ENDED, RUN_ENDED, type AttachedSink, type RunEventOptions } from './events/run-events.js';
export { eventsFromHttp, MAX_BODY_BYTES, serveEvents, type EventReceiverOptions } from './events/http-receiver.js';

// DAGs and state machines, compiled to triggers (flows/dag, flows/state-machine, flows/builders).
export * from './dag/index.js';
export * from './state-machine/index.js';
export { withBuilders } from './builders/registry.js';
export { WORKFLOW_FAILED, WORKFLOW_SUCCEEDED } from './builders/outcome.js';
export { runWorkflow, type CompiledWorkflow, type WorkflowRunOptions } from './builders/run.js';

// Pipelines (flows/pipeline).
export * from './pipeline/index.js';
export type { StateManager } from '../stores/ports/state.js';
// The workflow REST API, its client and the console page (flows/console).
export { serveWorkflowApi, WORKFLOW_ACTIONS, type WorkflowAction, type WorkflowApi, type WorkflowApiOptions } from './console/server.js';
export { WorkflowClient, type WatchEvent, type WatchOptions, type WorkflowClientOptions } from './console/client.js';
export { WatchLostError, WorkflowApiError } from './console/errors.js';
export type { WorkflowSnapshot } from './console/change-feed.js';
export type { StartDefinition, WorkflowKind, WorkflowListing, WorkflowSource, WorkflowTask, WorkflowUpdate, WorkflowView } from './console/sources/source.js';
export { StateMachineSource, DEFAULT_STATE_MACHINE_WORKSPACE, type StateMachineSourceOptions } from './console/sources/state-machine-source.js';
export { StateMachineHost, type StateMachineHostOptions } from './console/sources/state-machine-host.js';
export { CodeSource, type CodeSourceOptions } from './console/sources/code-source.js';
export type { StartRequest } from './console/start-request.js';

// Distributed workflows of tasks (flows/tasks): the workflow service, lifecycle and task workers.
export * from './tasks/index.js';
// Both name a TaskState: the state machine's keeps the name, the workflow service's is aliased.
export type { TaskState } from './state-machine/index.js';
export type { TaskState as WorkflowTaskState } from './tasks/service-types.js';
// Workflows as code, replayed from their event log (flows/code).
export * from './code/index.js';
// Littleflow .flow files, compiled to the FlowGraph the workflow service runs (flows/littleflow).
export {
  compileFlow,
  compileFlowFile,
  fileResolver,
  FlowSemanticError,
  FlowSourceError,
  FlowSyntaxError,
  mermaidOf,
  parseFlow,
  SUBFLOW_END,
  SUBFLOW_START,
  type FlowAst,
  type FlowCompileOptions,
  type FlowParseOptions,
  type FlowProblem,
  type ResourceResolver,
} from './littleflow/index.js';
// Futures, map and mapReduce (flows/futures): Lithops' FunctionExecutor on falco's executors.
export * from './futures/index.js';
