import { defineWorkflow, runCodeWorkflow } from '../../flows/index.js';
import { createPlatform } from '../../platforms/index.js';
import { deployable } from '../../src/index.js';
import { MemoryWorkflowLog, MemoryWorkspaceStore } from '../../stores/index.js';
import { ms, timed, type Benchmark } from '../report.js';

const noop = deployable<{ i: number }, { i: number }>({ runtime: 'nodejs:20', name: 'noop', code: { source: 'function main({ i }) { return { i }; }' } });

const workflow = defineWorkflow('replay-bench', async (ctx, input: { calls: number }) => {
  const half = input.calls / 2;
  // Half in one map, half as single calls in a row of maps of 100: both shapes a log replays.
  const mapped = await Promise.all(ctx.map(noop, Array.from({ length: half }, (_, i) => ({ i }))).map((future) => future.result()));
  let total = mapped.length;
  for (let start = 0; start < half; start += 100) total += (await Promise.all(ctx.map(noop, Array.from({ length: 100 }, (_, i) => ({ i: start + i }))).map((f) => f.result()))).length;
  return total;
});

/**
 * A finished 10,000-call workflow replayed from its log (its `finished` record left out, so the
 * code runs again from the top and every call is answered from the log), against running it on
 * the simulated platform with no latency through the event engine (memory store).
 */
export const codeReplay: Benchmark = {
  name: 'code replay',
  async run({ quick }) {
    const calls = quick ? 1_000 : 10_000;
    const platform = await createPlatform('simulated', { latency: { distribution: 'fixed', ms: 0 } });
    const log = new MemoryWorkflowLog();
    try {
      const ran = await timed(() => runCodeWorkflow(workflow, { calls }, { platform, log, store: new MemoryWorkspaceStore(), runId: 'bench' }));
      const replayLog = new MemoryWorkflowLog();
      await replayLog.append('bench', (await log.read('bench')).filter((record) => record.kind !== 'finished'));
      const replayed = await timed(() => runCodeWorkflow(workflow, { calls }, { platform, log: replayLog, store: new MemoryWorkspaceStore(), runId: 'bench' }));
      if (ran.value.status !== 'succeeded' || replayed.value.status !== 'succeeded' || replayed.value.output !== calls) throw new Error(`the bench workflow did not end as it should: ${JSON.stringify([ran.value, replayed.value])}`);
      const ratio = replayed.ms / ran.ms;
      return [
        {
          benchmark: 'code replay',
          figure: `replaying a finished ${calls.toLocaleString('en')}-call workflow from its log`,
          value: ms(replayed.ms),
          baseline: `${ms(ran.ms)} (running it)`,
          ratio,
          target: '≤ 0.1×',
          met: ratio <= 0.1,
        },
      ];
    } finally {
      await platform.close();
    }
  },
};
