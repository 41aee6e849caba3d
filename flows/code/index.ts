export type { CodeWaitOptions, WorkflowContext } from './context.js';
export { NonDeterminismError, WorkflowCodeError } from './errors.js';
export { CANCEL, CHILD_FAILED, CHILD_SUCCEEDED, CODE_WORKFLOW_FAILED, CODE_WORKFLOW_SUCCEEDED, EVENT_MATCHED, TIMER_FIRED, WAKE } from './events.js';
export type { CallOp, CodeRecord } from './records.js';
export { runCodeWorkflow, runCoordinatorOnce, type CodeRunOptions, type CoordinatorOnceOptions } from './run.js';
export { cancelRun, createRun, readRun, summarize, type RunOutcome, type RunStatus, type RunSummary } from './runs.js';
export { defineWorkflow, isWorkflow, pickWorkflow, type AnyWorkflow, type Workflow } from './workflow.js';
export { checkCoordinatorStore, COORDINATOR_DEPLOYMENT, coordinatorDeployable, functionWake, type CoordinatorReply } from './coordinator-function.js';
export { newRunId, WorkflowWorker, type RunHandle, type StartOptions, type WorkflowWorkerOptions } from './worker.js';
