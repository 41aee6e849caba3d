/**
 * The coordinator function's entry point: `main({ run })` replays the run once from its log and
 * returns when the run suspends or ends. Deployed by `coordinatorDeployable`, code used in place.
 */
import { pathToFileURL } from 'node:url';
import { openWorkflowLog } from '../../../stores/open-log.js';
import { openStore } from '../../../stores/open.js';
import { COORDINATOR_STORE_ENV, functionWake, type CoordinatorReply } from '../coordinator-function.js';
import { WorkflowCodeError } from '../errors.js';
import { runCoordinatorOnce } from '../run.js';
import { readRun } from '../runs.js';
import { pickWorkflow } from '../workflow.js';

export async function main(input: { run?: unknown }): Promise<CoordinatorReply> {
  const run = input.run;
  if (typeof run !== 'string' || run === '') throw new WorkflowCodeError('the coordinator function needs { run: "<run id>" }');
  const url = process.env[COORDINATOR_STORE_ENV];
  const store = await openStore(url);
  const log = await openWorkflowLog(url);
  try {
    const started = (await readRun(log, run)).started;
    if (!started) throw new WorkflowCodeError(`run ${run} is not in the log: start it with falco workflow run MODULE --coordinator function`);
    if (started.module === undefined) throw new WorkflowCodeError(`run ${run} was not started from a module, so a coordinator function cannot load its code`);
    const workflow = pickWorkflow(await import(pathToFileURL(started.module).href), started.workflow, started.module);
    const outcome = await runCoordinatorOnce({ store, log, workflow, runId: run, wake: functionWake(run) });
    return { run, status: outcome === 'suspended' ? 'suspended' : outcome.status };
  } finally {
    await log.close();
    await store.close();
  }
}
