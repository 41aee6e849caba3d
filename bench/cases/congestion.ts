import pLimit from 'p-limit';
import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { deployable } from '../../src/index.js';
import { createInvocations } from '../../src/spi.js';
import { VirtualClock } from '../../test/helpers/virtual-clock.js';
import { ms, timed, type Benchmark } from '../report.js';

const CAP = 300;
const LATENCY_MS = 50;

/**
 * AIMD with no user-set concurrency against a hidden cap of 300: throughput against the cap's
 * ideal, and against this machine's floor (a bare p-limit loop of the cap around the same timer,
 * which knows the cap: what a loaded machine's late timers cost either way).
 */
export const congestion: Benchmark = {
  name: 'congestion control',
  async run({ quick }) {
    // Quick mode is long enough (67 round trips) that the ramp to the cap does not stand for the steady state.
    const count = quick ? 20_000 : 30_000;
    const platform = new SimulatedPlatform({ concurrencyCap: CAP, latency: { distribution: 'fixed', ms: LATENCY_MS } });
    const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'x' } }));
    const floor = async () => {
      const limit = pLimit(CAP);
      await Promise.all(Array.from({ length: count }, () => limit(() => new Promise((resolve) => setTimeout(resolve, LATENCY_MS)))));
    };
    const bare = (await timed(floor)).ms;
    const invocations = createInvocations('p', Array.from({ length: count }, (_, n) => ({ input: n })));
    const { value: result, ms: elapsed } = await timed(() =>
      new ConcurrentExecutor({ retry: { maxAttempts: 20 } }).execute({ id: 'p', invocations }, deployment, platform),
    );
    if (result.counts.succeeded !== count) throw new Error('congestion control: not every invocation succeeded');
    const ideal = Math.ceil(count / CAP) * LATENCY_MS;
    const efficiency = ideal / elapsed;
    const simulated = await onSimulatedTime(count);
    const { calls, throttled } = platform.stats;
    const figure = `${count.toLocaleString('en')} calls × ${LATENCY_MS} ms, hidden cap ${CAP}, AIMD`;
    return [
      { benchmark: 'congestion control', figure, value: ms(elapsed), baseline: `${ms(ideal)} (ideal at the cap)`, ratio: efficiency, target: '≥ 0.95× throughput', met: efficiency >= 0.95 },
      { benchmark: 'congestion control', figure: 'the same against the floor', value: ms(elapsed), baseline: `${ms(bare)} (bare p-limit of the cap + setTimeout)`, ratio: bare / elapsed, target: '≥ 0.95× throughput', met: bare / elapsed >= 0.95 },
      {
        benchmark: 'congestion control',
        figure: 'the same on simulated time (no late timers)',
        value: `${simulated} virtual ms`,
        baseline: `${ms(ideal)} (ideal at the cap)`,
        ratio: ideal / simulated,
        target: '≥ 0.95× throughput',
        met: ideal / simulated >= 0.95,
      },
      {
        benchmark: 'congestion control',
        figure: 'throttled calls',
        value: `${((throttled / calls) * 100).toFixed(2)}% of ${calls.toLocaleString('en')}`,
        target: '≤ 1%',
        met: throttled / calls <= 0.01,
      },
    ];
  },
};

/** The phase's makespan on simulated time: what AIMD itself costs, whatever the machine's load does to timers. */
async function onSimulatedTime(count: number): Promise<number> {
  const clock = new VirtualClock();
  const platform = new SimulatedPlatform({ concurrencyCap: CAP, latency: { distribution: 'fixed', ms: LATENCY_MS }, clock });
  const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'x' } }));
  const invocations = createInvocations('p', Array.from({ length: count }, (_, n) => ({ input: n })));
  const result = await new ConcurrentExecutor({ retry: { maxAttempts: 20 } }).execute({ id: 'p', invocations }, deployment, platform);
  if (result.counts.succeeded !== count) throw new Error('congestion control on simulated time: not every invocation succeeded');
  return clock.now();
}
