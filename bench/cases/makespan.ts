import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { createInvocations, deployable } from '../../src/index.js';
import { ms, timed, type Benchmark } from '../report.js';

/** How close a phase's makespan comes to the ideal ceil(N / C) × latency on a fixed-latency platform. */
export const makespan: Benchmark = {
  name: 'makespan efficiency',
  async run({ quick }) {
    const count = quick ? 2_000 : 20_000;
    const concurrency = 500;
    const latencyMs = 50;
    const platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: latencyMs } });
    const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'x' } }));
    const invocations = createInvocations('p', Array.from({ length: count }, (_, n) => ({ input: n })));
    const { ms: elapsed } = await timed(() =>
      new ConcurrentExecutor({ concurrency }).execute({ id: 'p', invocations }, deployment, platform),
    );
    const ideal = Math.ceil(count / concurrency) * latencyMs;
    const ratio = elapsed / ideal;
    return [
      {
        benchmark: 'makespan efficiency',
        figure: `${count.toLocaleString('en')} calls × ${latencyMs} ms, concurrency ${concurrency}`,
        value: ms(elapsed),
        baseline: `${ms(ideal)} (ideal)`,
        ratio,
        target: '≤ 1.05×',
        met: ratio <= 1.05,
      },
    ];
  },
};
