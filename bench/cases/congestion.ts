import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { deployable } from '../../src/index.js';
import { createInvocations } from '../../src/spi.js';
import { ms, timed, type Benchmark } from '../report.js';

const CAP = 300;
const LATENCY_MS = 50;

/** AIMD with no user-set concurrency against a hidden cap of 300: throughput against the cap's ideal. */
export const congestion: Benchmark = {
  name: 'congestion control',
  async run({ quick }) {
    const count = quick ? 6_000 : 30_000;
    const platform = new SimulatedPlatform({ concurrencyCap: CAP, latency: { distribution: 'fixed', ms: LATENCY_MS } });
    const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'x' } }));
    const invocations = createInvocations('p', Array.from({ length: count }, (_, n) => ({ input: n })));
    const { value: result, ms: elapsed } = await timed(() =>
      new ConcurrentExecutor({ retry: { maxAttempts: 20 } }).execute({ id: 'p', invocations }, deployment, platform),
    );
    if (result.counts.succeeded !== count) throw new Error('congestion control: not every invocation succeeded');
    const ideal = Math.ceil(count / CAP) * LATENCY_MS;
    const efficiency = ideal / elapsed;
    const { calls, throttled } = platform.stats;
    return [
      {
        benchmark: 'congestion control',
        figure: `${count.toLocaleString('en')} calls × ${LATENCY_MS} ms, hidden cap ${CAP}, AIMD`,
        value: ms(elapsed),
        baseline: `${ms(ideal)} (ideal at the cap)`,
        ratio: efficiency,
        target: '≥ 0.85× throughput',
        met: efficiency >= 0.85,
      },
      {
        benchmark: 'congestion control',
        figure: 'throttled calls',
        value: `${((throttled / calls) * 100).toFixed(2)}% of ${calls.toLocaleString('en')}`,
        target: '≤ 5%',
        met: throttled / calls <= 0.05,
      },
    ];
  },
};
