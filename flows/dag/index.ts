export { compileDag, type CompiledDag } from './compile.js';
export { Dag, dag, type TaskDefinition, type TaskSpec } from './dag.js';
export { DagError } from './errors.js';
export { dagInput, errorOf, item, output } from './refs.js';
export { dagTaskJoin, type DagJoinOptions } from './join.js';
export { DAG_STARTED, TASK_ENDED, TASK_STARTED, type TaskStatus } from './events.js';
export type { DagOutcome } from './end-action.js';
export { runDag, type DagResult, type DagRunOptions, type TaskFailure } from './run.js';
