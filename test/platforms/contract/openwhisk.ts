import { OpenWhiskPlatform } from '../../../platforms/openwhisk/index.js';
import { OpenWhiskDouble } from '../../doubles/openwhisk/index.js';
import { echoFunction, type ContractSubject } from './subject.js';

export const openwhisk: ContractSubject = {
  name: 'openwhisk',
  cannot: {},
  congestion: { kind: 'aimd', max: 64 },
  async start() {
    const double = await OpenWhiskDouble.start();
    const connection = { host: double.url, token: double.token };
    const platform = new OpenWhiskPlatform(connection);
    return {
      platform,
      cleanupOptions: connection,
      timeout: { deployable: echoFunction({ timeoutMs: 1_000 }), input: { sleepMs: 60_000 } },
      async throttleNext() {
        double.inject({ type: 'status', status: 429, headers: { 'retry-after': '1' }, body: { error: 'Too many requests in the last minute' } });
        return { release: async () => {} };
      },
      dropNext: () => double.inject({ type: 'reset' }),
      async stop() {
        await platform.close();
        await double.stop();
      },
    };
  },
};
