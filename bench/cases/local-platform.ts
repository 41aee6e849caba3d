import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ConcurrentExecutor } from '../../executors/index.js';
import { LocalPlatform } from '../../platforms/local/index.js';
import { deployable, type Deployment, type Platform } from '../../src/index.js';
import { createInvocations } from '../../src/spi.js';
import { collectGarbage, ms, perSecond, timed, type Benchmark } from '../report.js';

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

/** The function of ECHO as a bare worker thread that answers calls, as an instance does. */
const BARE_ECHO = "const { parentPort } = require('node:worker_threads'); function main(args) { return args; } parentPort.on('message', (args) => parentPort.postMessage(JSON.stringify(main(JSON.parse(args)))));";

interface StartFigures {
  readonly startMs: number;
  readonly busyMs: number;
  readonly teardownMs: number;
}

/** The floor of a cold start: `count` bare worker threads started at once, each running the function once; then their teardown. */
async function bareWorkers(count: number): Promise<StartFigures> {
  const workers: Worker[] = [];
  const { ms: startMs, value: busyMs } = await timed(() =>
    loopBusy(() =>
      Promise.all(
        Array.from({ length: count }, (_, n) => {
          const worker = new Worker(BARE_ECHO, { eval: true });
          workers.push(worker);
          const answered = once(worker, 'message');
          worker.postMessage(JSON.stringify({ n }));
          return answered;
        }),
      ),
    ),
  );
  const teardown = await timed(() => Promise.all(workers.map((worker) => worker.terminate())));
  return { startMs, busyMs, teardownMs: teardown.ms };
}

/** Runs `work` and answers how long the event loop was busy meanwhile (not idle, waiting for I/O or messages). */
async function loopBusy(work: () => Promise<unknown>): Promise<number> {
  const start = performance.eventLoopUtilization();
  await work();
  return performance.eventLoopUtilization(start).active;
}

/** `count` instances of ECHO started at once by one call each on a new platform, then removed: the times, how long the loop was busy, and each instance's init. */
async function falcoColdStart(count: number): Promise<StartFigures & { readonly init: number[] }> {
  const platform = new LocalPlatform({ maxInstances: count });
  try {
    const deployment = await platform.deploy(ECHO);
    let result: Awaited<ReturnType<typeof runPhase>> | undefined;
    const { ms: startMs, value: busyMs } = await timed(() => loopBusy(async () => (result = await runPhase(platform, deployment, count, count))));
    const teardown = await timed(() => platform.remove(deployment));
    const attempts = result!.invocations.map((r) => r.attempts.at(-1)!);
    if (!attempts.every((a) => a.coldStart)) throw new Error('local cold start: not every first call was cold');
    return { startMs, busyMs, teardownMs: teardown.ms, init: attempts.map((a) => a.initDurationMs ?? 0).sort((a, b) => a - b) };
  } finally {
    await platform.close();
  }
}

/** The smallest of each figure over the rounds. */
function best(rounds: readonly StartFigures[]): StartFigures {
  const least = (key: keyof StartFigures) => Math.min(...rounds.map((round) => round[key]));
  return { startMs: least('startMs'), busyMs: least('busyMs'), teardownMs: least('teardownMs') };
}

/**
 * 100 instances started at once, against the floor: as many bare worker threads started at once,
 * each running the function once. Also how long the host's event loop was busy meanwhile, and the
 * teardown. In full size, three rounds of each, alternated so that a change in the machine's load
 * falls on both alike, and the best of each figure kept.
 */
export const localColdStart: Benchmark = {
  name: 'local cold start',
  async run({ quick }) {
    const instances = quick ? 20 : 100;
    const rounds = quick ? 1 : 3;
    const floors: StartFigures[] = [];
    const mine: Array<StartFigures & { readonly init: number[] }> = [];
    for (let round = 0; round < rounds; round++) {
      floors.push(await bareWorkers(instances));
      mine.push(await falcoColdStart(instances));
    }
    const floor = best(floors);
    const cold = best(mine);
    const init = mine.reduce((fastest, round) => (round.startMs < fastest.startMs ? round : fastest)).init;
    const ratio = cold.startMs / floor.startMs;
    const of = rounds > 1 ? ` (best of ${rounds}, alternated)` : '';
    return [
      {
        benchmark: 'local cold start',
        figure: `${instances} instances started at once${of}`,
        value: ms(cold.startMs),
        baseline: `${ms(floor.startMs)} (${instances} bare worker threads, each running it once)`,
        ratio,
        target: '≤ 1.20× time',
        met: ratio <= 1.2,
      },
      { benchmark: 'local cold start', figure: 'init per instance (median, max), fastest round', value: `${ms(init[init.length >> 1]!)}, ${ms(init.at(-1)!)}` },
      {
        benchmark: 'local cold start',
        figure: 'event loop busy while starting',
        value: ms(cold.busyMs),
        baseline: `${ms(floor.busyMs)} (the bare threads, started on the loop)`,
        ratio: cold.busyMs / floor.busyMs,
      },
      {
        benchmark: 'local cold start',
        figure: `teardown of ${instances} instances`,
        value: ms(cold.teardownMs),
        baseline: `${ms(floor.teardownMs)} (terminating the bare threads at once)`,
        ratio: cold.teardownMs / floor.teardownMs,
      },
    ];
  },
};

/** Peak memory of 1,000 calls at concurrency 100 on a platform with its default instance cap. */
export const localMemory: Benchmark = {
  name: 'local peak memory',
  ownProcess: true,
  async run({ quick }) {
    const count = quick ? 200 : 1_000;
    const concurrency = 100;
    const platform = new LocalPlatform();
    try {
      const deployment = await platform.deploy(ECHO);
      collectGarbage();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      try {
        await runPhase(platform, deployment, count, concurrency);
      } finally {
        clearInterval(sampler);
      }
      peak = Math.max(peak, process.memoryUsage().rss);
      const grownMiB = (peak - before) / 1_048_576;
      return [
        {
          benchmark: 'local peak memory',
          figure: `${count.toLocaleString('en')} calls at concurrency ${concurrency}, default instance cap`,
          value: `+${grownMiB.toFixed(0)} MiB peak RSS`,
          baseline: `${(before / 1_048_576).toFixed(0)} MiB RSS before`,
          target: '≤ 200 MiB more',
          met: grownMiB <= 200,
        },
      ];
    } finally {
      await platform.close();
    }
  },
};
