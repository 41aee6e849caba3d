import { Pool } from 'undici';
import pLimit from 'p-limit';
import { ConcurrentExecutor } from '../../executors/index.js';
import { OpenWhiskPlatform } from '../../platforms/openwhisk/index.js';
import { deployable } from '../../src/index.js';
import { createInvocations } from '../../src/spi.js';
import { InstantRunner, OpenWhiskDouble } from '../../test/doubles/openwhisk/index.js';
import { perSecond, timed, type Benchmark } from '../report.js';

const CONCURRENCY = 128;

/**
 * The HTTP invoke path: blocking invokes through the OpenWhisk adapter against the REST double on
 * loopback, which answers at once, against a raw undici keep-alive loop posting the same requests.
 */
export const httpInvoke: Benchmark = {
  name: 'http invoke path',
  async run({ quick }) {
    const count = quick ? 2_000 : 20_000;
    const double = await OpenWhiskDouble.start({ runner: new InstantRunner() });
    const platform = new OpenWhiskPlatform({ host: double.url, token: double.token, concurrency: CONCURRENCY });
    try {
      const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'function main(a) { return a; }' }, name: 'bench' }));
      const inputs = Array.from({ length: count }, (_, n) => ({ input: { n } }));
      const path = `/api/v1/namespaces/_/actions/${deployment.name}?blocking=true`;
      const authorization = `Basic ${Buffer.from(double.token).toString('base64')}`;
      const pool = new Pool(double.url, { connections: CONCURRENCY, pipelining: 1 });

      const baseline = async () => {
        const limit = pLimit(CONCURRENCY);
        await Promise.all(
          inputs.map(({ input }) =>
            limit(async () => {
              const { statusCode, body } = await pool.request({
                method: 'POST',
                path,
                headers: { authorization, 'content-type': 'application/json' },
                body: JSON.stringify(input),
              });
              const activation = (await body.json()) as { response?: { success?: boolean } };
              if (statusCode !== 200 || !activation.response?.success) throw new Error(`undici baseline: HTTP ${statusCode}`);
            }),
          ),
        );
      };
      const falco = async () => {
        const invocations = createInvocations('p', inputs);
        const result = await new ConcurrentExecutor({ concurrency: CONCURRENCY }).execute({ id: 'p', invocations }, deployment, platform);
        if (result.counts.succeeded !== count) throw new Error(`falco: ${result.counts.failed} invocations failed`);
      };
      await baseline();
      await falco();
      const base = Math.min((await timed(baseline)).ms, (await timed(baseline)).ms);
      const mine = Math.min((await timed(falco)).ms, (await timed(falco)).ms);
      await pool.close();
      const ratio = base / mine;
      return [
        {
          benchmark: 'http invoke path',
          figure: `${count.toLocaleString('en')} blocking invokes, OpenWhisk double, concurrency ${CONCURRENCY}`,
          value: perSecond(count, mine),
          baseline: `${perSecond(count, base)} (raw undici)`,
          ratio,
          target: '≥ 0.70× throughput',
          met: ratio >= 0.7,
        },
      ];
    } finally {
      await platform.close();
      await double.stop();
    }
  },
};
