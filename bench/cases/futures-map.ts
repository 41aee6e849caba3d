import { availableParallelism } from 'node:os';
import { ConcurrentExecutor } from '../../executors/index.js';
import { futureExecutor } from '../../flows/index.js';
import { LocalPlatform } from '../../platforms/local/index.js';
import { deployable, Driver, ExecutionPlan, type Runtime } from '../../src/index.js';
import { perSecond, timed, type Benchmark } from '../report.js';

const ECHO = deployable<{ n: number }, { n: number }>({ runtime: 'nodejs:20', code: { source: 'function main(args) { return args; }' }, name: 'echo' });

/** The same phase as a Driver runs it: deploy, one phase of `count` calls, remove. */
class OnePhase extends Driver {
  constructor(private readonly count: number) {
    super();
  }

  runtime(): Runtime {
    return { makeDeployment: () => ECHO, invocationPayload: () => [] };
  }

  override executionPlan(): ExecutionPlan {
    return new ExecutionPlan([{ id: 'map', deployable: ECHO, invocations: Array.from({ length: this.count }, (_, n) => ({ input: { n } })) }]);
  }
}

/** `map` of trivial calls through a future executor, deployed and removed, against the same phase through a Driver. */
export const futuresMap: Benchmark = {
  name: 'futures map',
  async run({ quick }) {
    const count = quick ? 1_000 : 10_000;
    const workers = availableParallelism();
    const platform = new LocalPlatform({ maxInstances: workers });
    const executor = new ConcurrentExecutor({ concurrency: workers });
    try {
      const viaDriver = async () => {
        const result = await new OnePhase(count).run({ platform, executor });
        if (result.phases[0]!.counts.succeeded !== count) throw new Error('futures map: the driver\'s calls did not all succeed');
      };
      const viaFutures = async () => {
        const fexec = futureExecutor({ platform, executor });
        const outputs = await fexec.getResult(fexec.map(ECHO, Array.from({ length: count }, (_, n) => ({ n }))));
        await fexec.close();
        if (outputs.length !== count) throw new Error('futures map: the futures did not all succeed');
      };
      await viaDriver();
      await viaFutures();
      const base: number[] = [];
      const mine: number[] = [];
      for (let round = 0; round < 3; round++) {
        base.push((await timed(viaDriver)).ms);
        mine.push((await timed(viaFutures)).ms);
      }
      const ratio = Math.min(...base) / Math.min(...mine);
      return [
        {
          benchmark: 'futures map',
          figure: `${count.toLocaleString('en')} trivial calls, deploy to remove, ${workers} instances`,
          value: perSecond(count, Math.min(...mine)),
          baseline: `${perSecond(count, Math.min(...base))} (the same phase through a Driver)`,
          ratio,
          target: '≥ 0.90× throughput',
          met: ratio >= 0.9,
        },
      ];
    } finally {
      await platform.close();
    }
  },
};
