import type { Json } from '../../stores/ports/workspace.js';
import { WORKFLOW_SUCCEEDED } from '../builders/outcome.js';
import { runWorkflow, type WorkflowRunOptions } from '../builders/run.js';
import { compileDag } from './compile.js';
import type { Dag } from './dag.js';
import { DAG_STARTED } from './events.js';

export interface DagRunOptions extends WorkflowRunOptions {
  /** The run's input, which `dagInput()` references read. @default {} */
  readonly input?: Json;
}

/** How a task that failed finally failed: the invocation's error, with the item of a forEach task and the attempts made. */
export interface TaskFailure {
  readonly class: string;
  readonly name: string;
  readonly message: string;
  readonly type?: string;
  readonly item?: number;
  readonly attempts?: number;
}

/** How a DAG run ended; outputs, failures and skipped tasks by task id. */
export interface DagResult<Ids extends string = string> {
  /** Failed when a task failed and no on-failure task of it succeeded. */
  readonly status: 'succeeded' | 'failed';
  readonly runId: string;
  readonly outputs: { readonly [Id in Ids]?: Json };
  readonly failed: { readonly [Id in Ids]?: TaskFailure };
  readonly skipped: readonly Ids[];
  /** The failed tasks nothing handled. */
  readonly unhandled: readonly Ids[];
}

/**
 * Runs a DAG to its end (see `runWorkflow` for what a run does) and returns its outcome. A DAG
 * that cannot run is a `DagError` before anything is deployed.
 */
export async function runDag<Ids extends string>(dag: Dag<Ids>, options: DagRunOptions): Promise<DagResult<Ids>> {
  let runId = '';
  const end = await runWorkflow(
    dag.id,
    (workspace) => {
      runId = workspace;
      const { triggers, deployables } = compileDag(dag, workspace);
      return { triggers, deployables, global: { input: options.input ?? {} }, start: { id: `${workspace}/start`, source: '/falco/dag', type: DAG_STARTED, subject: workspace } };
    },
    options,
  );
  // The end event's data is a DagOutcome whose keys are this DAG's task ids.
  const { outputs, failed, skipped, unhandled } = end.data as Omit<DagResult<Ids>, 'status' | 'runId'>;
  return { status: end.type === WORKFLOW_SUCCEEDED ? 'succeeded' : 'failed', runId, outputs, failed, skipped, unhandled };
}
