import pLimit from 'p-limit';
import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { deployable } from '../../src/index.js';
import { createInvocations } from '../../src/spi.js';
import { bestOfAlternated, ms, type Benchmark } from '../report.js';

const CONCURRENCY = 500;
const LATENCY_MS = 50;

/**
 * How close a phase's makespan comes to the ideal ceil(N / C) × latency on a fixed-latency
 * platform, and to the floor on this machine: a bare p-limit loop around the same timer.
 */
export const makespan: Benchmark = {
  name: 'makespan efficiency',
  async run({ quick }) {
    const count = quick ? 2_000 : 20_000;
    const platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: LATENCY_MS } });
    const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'x' } }));
    const floor = async () => {
      const limit = pLimit(CONCURRENCY);
      await Promise.all(Array.from({ length: count }, () => limit(() => new Promise((resolve) => setTimeout(resolve, LATENCY_MS)))));
    };
    const falco = async () => {
      const invocations = createInvocations('p', Array.from({ length: count }, (_, n) => ({ input: n })));
      await new ConcurrentExecutor({ concurrency: CONCURRENCY }).execute({ id: 'p', invocations }, deployment, platform);
    };
    const { baseline: bare, falco: elapsed } = await bestOfAlternated(floor, falco);
    const ideal = Math.ceil(count / CONCURRENCY) * LATENCY_MS;
    const figure = `${count.toLocaleString('en')} calls × ${LATENCY_MS} ms, concurrency ${CONCURRENCY}`;
    return [
      { benchmark: 'makespan efficiency', figure, value: ms(elapsed), baseline: `${ms(ideal)} (ideal)`, ratio: elapsed / ideal, target: '≤ 1.05×', met: elapsed / ideal <= 1.05 },
      { benchmark: 'makespan efficiency', figure: 'the same against the floor', value: ms(elapsed), baseline: `${ms(bare)} (bare p-limit + setTimeout)`, ratio: elapsed / bare, target: '≤ 1.00×', met: elapsed / bare <= 1 },
    ];
  },
};
