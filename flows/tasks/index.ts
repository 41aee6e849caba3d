export { FLOW_END, FLOW_START, type FlowEdge, type FlowGraph, type FlowNode } from './graph.js';
export type { TaskRun, TaskState, WorkflowChange, WorkflowDetail, WorkflowService, WorkflowState, WorkflowSummary } from './service-types.js';
export { FlowGraphError, WorkflowStateError } from './errors.js';
export { DEFAULT_WORKFLOW_WORKSPACE, Workflows, type WorkflowsOptions } from './workflows.js';
export { LifecycleWorker, type LifecycleOptions } from './lifecycle.js';
export { TASK_GROUP, TaskWorker, taskKind, type TaskBatchKind, type TaskContext, type TaskKind, type TaskResult, type TaskWorkerOptions } from './task-worker.js';
export { EmbeddedWorkflows, type EmbeddedWorkflowsOptions } from './embedded.js';
export { END_TASK, RECEIPT, RECEIPTS_STREAM, START_TASK, taskStream, type EndTask, type Receipt, type StartTask } from './events.js';
export { WAIT_KINDS } from './effects.js';
