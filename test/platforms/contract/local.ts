import { LocalPlatform } from '../../../platforms/local/index.js';
import type { Deployment } from '../../../src/platform.js';
import { call, echoFunction, type ContractSubject } from './subject.js';

const INSTANCES = 2;

export const local: ContractSubject = {
  name: 'local',
  cannot: {
    droppedConnection: 'no connection to drop: calls go to worker threads and subprocesses (an instance that dies mid-call is in local/failures.test.ts)',
    cleanup: "its leftovers are the code dirs of runs that died, never a live run's: local/leftovers.test.ts kills a run to make one",
  },
  congestion: { kind: 'fixed', concurrency: INSTANCES },
  async start() {
    const platform = new LocalPlatform({ maxInstances: INSTANCES, maxWaitMs: 0 });
    return {
      platform,
      cleanupOptions: {},
      timeout: { deployable: echoFunction({ timeoutMs: 1_000 }), input: { sleepMs: 60_000 } },
      // Every instance busy and no wait allowed: the next call is refused.
      async throttleNext(deployment: Deployment) {
        const busy = Array.from({ length: INSTANCES }, (_, i) => platform.invoke(deployment, { sleepMs: 1_000 }, call(`busy-${i}`)));
        return { release: async () => void (await Promise.all(busy)) };
      },
      stop: () => platform.close(),
    };
  },
};
