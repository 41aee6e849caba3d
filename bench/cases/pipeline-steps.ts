import { pipeline } from '../../flows/index.js';
import { deployable } from '../../src/index.js';
import { quantile } from '../../src/observe/distribution.js';

/** What the pipeline benchmarks share; the pipeline function's bench row loads this module in the function. */
export const STEPS = 5;
export const KEYS = { keys: { bench: 'pipeline-bench-secret-0123456789' }, signWith: 'bench' };
export const inc = deployable<{ n: number }, { n: number }>({ runtime: 'nodejs:20', name: 'inc', code: { source: 'function main({ n }) { return { n: n + 1 }; }' } });

/** Five calls of `inc`: in one phase (sync), or a phase each (async). */
export function fiveSteps(sync: boolean) {
  let p = pipeline<{ n: number }>(sync ? 'bench-sync' : 'bench-async').apply(inc, { sync });
  for (let i = 1; i < STEPS; i++) p = p.apply(inc, { sync });
  return p;
}

/** The two pipelines the function row deploys as functions. */
export const fiveSyncSteps = fiveSteps(true);
export const fiveAsyncSteps = fiveSteps(false);

/** The median of `rounds` timings of `run`, after one warm-up. */
export async function median(rounds: number, run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return quantile(Float64Array.from(times).sort(), 0.5);
}
