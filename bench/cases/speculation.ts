import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform, type SimulatedPlatformOptions } from '../../platforms/simulated/index.js';
import { deployable } from '../../src/index.js';
import { createInvocations } from '../../src/spi.js';
import { bestOfAlternated, ms, type Benchmark } from '../report.js';

const CONCURRENCY = 200;
const clean: SimulatedPlatformOptions = { seed: 5, latency: { distribution: 'fixed', ms: 50 } };
const stragglers: SimulatedPlatformOptions = { ...clean, stragglerRate: 0.01, stragglerFactor: 20 };
const speculation = { multiple: 2, floorMs: 30, minSamples: 50 };

/**
 * Speculative re-execution against a straggler tail: 1 % of calls take 20× the latency. The
 * makespan with speculation, and without it, against the same phase on a platform with no stragglers.
 */
export const speculationBench: Benchmark = {
  name: 'speculation',
  async run({ quick }) {
    const count = quick ? 4_000 : 20_000;
    const code = deployable({ runtime: 'nodejs:20', code: { source: 'x' } });
    const phase = (options: SimulatedPlatformOptions, speculate: boolean) => async () => {
      const platform = new SimulatedPlatform(options);
      const deployment = await platform.deploy(code);
      const invocations = createInvocations('p', Array.from({ length: count }, (_, n) => ({ input: n })));
      await new ConcurrentExecutor({ concurrency: CONCURRENCY, ...(speculate ? { speculation } : {}) }).execute({ id: 'p', invocations }, deployment, platform);
    };
    const speculated = await bestOfAlternated(phase(clean, false), phase(stragglers, true));
    const plain = await bestOfAlternated(phase(clean, false), phase(stragglers, false));
    const figure = `${count.toLocaleString('en')} calls × 50 ms at concurrency ${CONCURRENCY}, 1 % straggling ×20`;
    const ratio = speculated.falco / speculated.baseline;
    return [
      { benchmark: 'speculation', figure: `${figure}, speculation on`, value: ms(speculated.falco), baseline: `${ms(speculated.baseline)} (no stragglers)`, ratio, target: '≤ 1.50×', met: ratio <= 1.5 },
      { benchmark: 'speculation', figure: `${figure}, speculation off`, value: ms(plain.falco), baseline: `${ms(plain.baseline)} (no stragglers)`, ratio: plain.falco / plain.baseline, target: 'reported' },
    ];
  },
};
