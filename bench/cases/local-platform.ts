import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ConcurrentExecutor } from '../../executors/index.js';
import { LocalPlatform } from '../../platforms/local/index.js';
import { deployable, type Deployment, type Platform } from '../../src/index.js';
import { createInvocations } from '../../src/spi.js';
import { ms, perSecond, timed, type Benchmark } from '../report.js';

const ECHO = deployable({ runtime: 'nodejs:20', code: { source: 'function main(args) { return args; }' }, name: 'echo' });

async function runPhase(platform: Platform, deployment: Deployment, count: number, concurrency: number) {
  const invocations = createInvocations('p', Array.from({ length: count }, (_, n) => ({ input: { n } })));
  const result = await new ConcurrentExecutor({ concurrency }).execute({ id: 'p', invocations }, deployment, platform);
  if (result.counts.succeeded !== count) throw new Error(`local platform: ${count - result.counts.succeeded} invocations did not succeed`);
  return result;
}

/** Warm throughput of a trivial nodejs:20 function, instances = CPUs, against piscina with as many workers. */
export const localThroughput: Benchmark = {
  name: 'local platform throughput',
  async run({ quick }) {
    const count = quick ? 2_000 : 20_000;
    const workers = availableParallelism();
    const pool = new Piscina({ filename: new URL('../piscina-echo.js', import.meta.url).href, minThreads: workers, maxThreads: workers });
    const platform = new LocalPlatform({ maxInstances: workers });
    try {
      const deployment = await platform.deploy(ECHO);
      const baseline = async () => {
        await Promise.all(Array.from({ length: count }, (_, n) => pool.run({ n })));
      };
      const falco = () => runPhase(platform, deployment, count, workers);
      await baseline();
      await falco(); // starts every instance: what follows is warm
      const base = Math.min((await timed(baseline)).ms, (await timed(baseline)).ms);
      const mine = Math.min((await timed(falco)).ms, (await timed(falco)).ms);
      const ratio = base / mine;
      return [
        {
          benchmark: 'local platform throughput',
          figure: `${count.toLocaleString('en')} warm calls, ${workers} instances`,
          value: perSecond(count, mine),
          baseline: `${perSecond(count, base)} (piscina, ${workers} workers)`,
          ratio,
          target: '≥ 0.80× throughput',
          met: ratio >= 0.8,
        },
      ];
    } finally {
      await platform.close();
      await pool.destroy();
    }
  },
};

/** 100 instances started at once, against the same 100 calls once they are warm. */
export const localColdStart: Benchmark = {
  name: 'local cold start',
  async run({ quick }) {
    const instances = quick ? 20 : 100;
    const platform = new LocalPlatform({ maxInstances: instances });
    try {
      const deployment = await platform.deploy(ECHO);
      const cold = await timed(() => runPhase(platform, deployment, instances, instances));
      const warm = await timed(() => runPhase(platform, deployment, instances, instances));
      const attempts = cold.value.invocations.map((r) => r.attempts.at(-1)!);
      if (!attempts.every((a) => a.coldStart)) throw new Error('local cold start: not every first call was cold');
      const init = attempts.map((a) => a.initDurationMs ?? 0).sort((a, b) => a - b);
      const median = init[init.length >> 1]!;
      return [
        {
          benchmark: 'local cold start',
          figure: `${instances} instances started at once`,
          value: ms(cold.ms),
          baseline: `${ms(warm.ms)} (the same calls, warm)`,
          ratio: cold.ms / warm.ms,
        },
        { benchmark: 'local cold start', figure: 'init per instance (median, max)', value: `${ms(median)}, ${ms(init.at(-1)!)}` },
      ];
    } finally {
      await platform.close();
    }
  },
};
