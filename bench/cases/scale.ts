import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { createInvocations, deployable } from '../../src/index.js';
import { collectGarbage, ms, perSecond, timed, type Benchmark } from '../report.js';

/** A million invocations on the simulated platform (0–5 ms each) at concurrency 10,000. */
export const scale: Benchmark = {
  name: 'scale',
  async run({ quick }) {
    const count = quick ? 50_000 : 1_000_000;
    const platform = new SimulatedPlatform({ latency: { distribution: 'uniform', minMs: 0, maxMs: 5 } });
    const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'x' } }));
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const { value: result, ms: elapsed } = await timed(() => {
      const invocations = createInvocations('p', Array.from({ length: count }, (_, n) => ({ input: n })));
      return new ConcurrentExecutor({ concurrency: 10_000 }).execute({ id: 'p', invocations }, deployment, platform);
    });
    clearInterval(sampler);
    collectGarbage();
    const bytes = (process.memoryUsage().heapUsed - heapBefore) / count;
    const finished = result.counts.succeeded === count;
    return [
      { benchmark: 'scale', figure: `${count.toLocaleString('en')} calls, 0–5 ms, concurrency 10,000`, value: `${ms(elapsed)} (${perSecond(count, elapsed)})`, target: 'finishes', met: finished },
      { benchmark: 'scale', figure: 'peak RSS', value: `${(peakRss / 2 ** 20).toFixed(0)} MiB` },
      { benchmark: 'scale', figure: 'heap per invocation (records kept)', value: `${bytes.toFixed(0)} B` },
    ];
  },
};
