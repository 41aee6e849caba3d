/**
 * The coordinator function's entry point: `main({ run })` replays the run once from its log and
 * returns when the run suspends or ends. Deployed by `coordinatorDeployable`, code used in place;
 * `packagedMain` is the entry of the zip `packageCoordinator` makes.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '../../../src/errors.js';
import { openWorkflowLog } from '../../../stores/open-log.js';
import { openStore } from '../../../stores/open.js';
import { COORDINATOR_MODULE_ENV, COORDINATOR_STORE_ENV, functionWake, type CoordinatorReply } from '../coordinator-function.js';
import { WorkflowCodeError } from '../errors.js';
import type { StartedRecord } from '../records.js';
import { runCoordinatorOnce } from '../run.js';
import { readRun } from '../runs.js';
import { pickWorkflow } from '../workflow.js';

type Input = { run?: unknown };

/** In place: the workflows are in the module the run was started from. */
export function main(input: Input): Promise<CoordinatorReply> {
  return coordinate(input, (run, started) => {
    if (started.module === undefined) throw new WorkflowCodeError(`run ${run} was not started from a module, so a coordinator function cannot load its code`);
    return pathToFileURL(started.module);
  });
}

/** Packaged: the workflows are in the file of the package at `root` (a URL) that `FALCO_COORDINATOR_MODULE` names. */
export function packagedMain(root: string): (input: Input) => Promise<CoordinatorReply> {
  return (input) =>
    coordinate(input, () => {
      const module = process.env[COORDINATOR_MODULE_ENV];
      if (!module) throw new ConfigError(`${COORDINATOR_MODULE_ENV} is not set: deploy the coordinator made by packageCoordinator, whose environment names the workflows' file in its zip`);
      return new URL(module, root);
    });
}

async function coordinate(input: Input, moduleOf: (run: string, started: StartedRecord) => URL): Promise<CoordinatorReply> {
  const run = input.run;
  if (typeof run !== 'string' || run === '') throw new WorkflowCodeError('the coordinator function needs { run: "<run id>" }');
  const url = process.env[COORDINATOR_STORE_ENV];
  const store = await openStore(url);
  const log = await openWorkflowLog(url);
  try {
    const started = (await readRun(log, run)).started;
    if (!started) throw new WorkflowCodeError(`run ${run} is not in the log: start it with falco workflow run MODULE --coordinator function`);
    const module = moduleOf(run, started);
    const workflow = pickWorkflow(await import(module.href), started.workflow, fileURLToPath(module));
    const outcome = await runCoordinatorOnce({ store, log, workflow, runId: run, wake: functionWake(run) });
    return { run, status: outcome === 'suspended' ? 'suspended' : outcome.status };
  } finally {
    await log.close();
    await store.close();
  }
}
