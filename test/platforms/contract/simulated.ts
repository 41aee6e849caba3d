import { SimulatedPlatform } from '../../../platforms/simulated/index.js';
import { FunctionError } from '../../../src/errors.js';
import type { Deployment } from '../../../src/platform.js';
import { call, echoFunction, type ContractSubject } from './subject.js';

const CAP = 2;
const LATENCY_MS = 20;

/** The simulated function: echoes, and fails as the code of the other adapters does. */
function handler(input: unknown): unknown {
  const fail = (input as { fail?: unknown }).fail;
  if (typeof fail === 'string') throw new FunctionError(fail);
  return input;
}

export const simulated: ContractSubject = {
  name: 'simulated',
  cannot: {
    deploymentError: 'no code runs, so none can fail to load',
    droppedConnection: 'no connection: failures come at configured rates (transientErrorRate), tested in core/retries.test.ts',
    cleanup: 'its deployments live in the process and die with it: there is nothing to leave behind',
  },
  congestion: { kind: 'aimd', max: 10_000 },
  async start() {
    const platform = new SimulatedPlatform({ handler, concurrencyCap: CAP, latency: { distribution: 'fixed', ms: LATENCY_MS } });
    return {
      platform,
      cleanupOptions: {},
      // A call that takes its latency, longer than its limit.
      timeout: { deployable: echoFunction({ timeoutMs: LATENCY_MS / 2 }), input: {} },
      async throttleNext(deployment: Deployment) {
        const busy = Array.from({ length: CAP }, (_, i) => platform.invoke(deployment, {}, call(`busy-${i}`)));
        return { release: async () => void (await Promise.all(busy)) };
      },
      stop: () => platform.close(),
    };
  },
};
