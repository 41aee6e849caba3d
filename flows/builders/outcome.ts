/** The event a DAG or state machine publishes when it ends (subject: the run's workspace). */
export const WORKFLOW_SUCCEEDED = 'falco.workflow.succeeded';
export const WORKFLOW_FAILED = 'falco.workflow.failed';
