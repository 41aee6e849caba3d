import { GcfPlatform } from '../../../platforms/gcf/index.js';
import type { Deployment } from '../../../src/platform.js';
import { startTestbed } from '../gcf/setup.js';
import { echoFunction, type ContractSubject } from './subject.js';

export const gcf: ContractSubject = {
  name: 'gcf',
  cannot: {
    submitPoll: 'an HTTP function answers the request that called it; there is no non-blocking call to submit',
  },
  congestion: { kind: 'aimd', max: 100 },
  async start() {
    const bed = await startTestbed();
    const platform = new GcfPlatform(bed.options);
    return {
      platform,
      cleanupOptions: bed.options as Record<string, unknown>,
      timeout: { deployable: echoFunction({ timeoutMs: 1_000 }), input: { sleepMs: 60_000 } },
      async throttleNext(deployment: Deployment) {
        bed.double.injectFaults(deployment.name, { status: 429, headers: { 'retry-after': '1' }, body: 'Rate exceeded.' });
        return { release: async () => {} };
      },
      dropNext: (deployment: Deployment) => bed.double.injectFaults(deployment.name, { reset: true }),
      async stop() {
        await platform.close();
        await bed.double.stop();
      },
    };
  },
};
