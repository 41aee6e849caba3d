import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ActionWorker, pipelineDeployable, TriggerService, type Pipeline } from '../../flows/index.js';
import { createPlatform } from '../../platforms/index.js';
import { openStateManager, openStore } from '../../stores/index.js';
import { fiveAsyncSteps, fiveSyncSteps, KEYS, median, STEPS } from './pipeline-steps.js';

const STEPS_MODULE = fileURLToPath(new URL('./pipeline-steps.js', import.meta.url));
const WORKSPACE = 'bench-pipeline-function';

/**
 * Per forward between phases when each phase is an invocation of the pipeline's own function: a
 * five-phase async request against the same five steps in one phase, both submitted to their function
 * and served by an action worker and trigger service on the embedded store, the function on the local
 * platform and its calls on the simulated one. What differs is the forwarding: the status writes, the
 * function's answer kept as an event, the trigger's command, and the function's next invocation.
 */
export async function functionForwardingOverhead(rounds: number, dir: string): Promise<number> {
  const stateUrl = `file:${join(dir, 'function-state')}`;
  const store = await openStore(`file:${join(dir, 'function-store')}`);
  const state = await openStateManager(stateUrl);
  const platform = await createPlatform('local');
  await store.createWorkspace(WORKSPACE);
  const functionOf = (exportName: string) => pipelineDeployable(STEPS_MODULE, exportName, { state: stateUrl, keys: KEYS, platform: 'simulated' });
  const service = await TriggerService.start({ store, workspace: WORKSPACE });
  const worker = await ActionWorker.start({ store, workspace: WORKSPACE, platform, deployments: { sync: functionOf('fiveSyncSteps'), async: functionOf('fiveAsyncSteps') } });
  // Polled every millisecond: `run()` looks only every 50 ms, coarser than what is measured.
  const request = (steps: Pipeline<{ n: number }, { n: number }>, name: string) => async () => {
    const requestId = await steps.submit({ n: 0 }, { state, forwarding: { function: name, store, workspace: WORKSPACE, keys: KEYS } });
    for (let status = await steps.status(requestId, { state }); status?.state !== 'succeeded'; status = await steps.status(requestId, { state })) {
      if (status && status.state !== 'running') throw new Error(`bench request ${requestId} ended ${status.state}: ${status.error?.message ?? ''}`);
      await sleep(1);
    }
  };
  try {
    const oneStep = await median(rounds, request(fiveSyncSteps, 'sync'));
    const forwarded = await median(rounds, request(fiveAsyncSteps, 'async'));
    return (forwarded - oneStep) / (STEPS - 1);
  } finally {
    await Promise.all([service.stop(), worker.stop()]);
    await Promise.all([platform.close(), store.close(), state.close()]);
  }
}
