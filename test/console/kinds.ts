import { setTimeout as sleep } from 'node:timers/promises';
import { defineWorkflow } from '../../flows/index.js';
import { deployable } from '../../src/index.js';

/** Counts `n` down to 0, one `step` per turn: `Check` is entered n + 1 times, `Step` n times. */
export const countdown = {
  Comment: 'countdown',
  StartAt: 'Check',
  States: {
    Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 0, Next: 'Step' }], Default: 'Done' },
    Step: { Type: 'Task', Resource: 'step', Next: 'Check' },
    Done: { Type: 'Succeed' },
  },
};

/** A Task that fails, caught into a Pass: the machine finishes, its failed state shows its error. */
export const caught = {
  Comment: 'caught',
  StartAt: 'Boom',
  States: {
    Boom: { Type: 'Task', Resource: 'boom', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recovered' }], Next: 'Recovered' },
    Recovered: { Type: 'Pass', Result: 'recovered', End: true },
  },
};

/** Waits an hour: it stays running while a test terminates it. */
export const hourLong = { Comment: 'hour-long', StartAt: 'Hour', States: { Hour: { Type: 'Wait', Seconds: 3600, End: true } } };

/** A Map of a Task over the input's items, then a Pass: the Task's state is entered once per item. */
export const mapped = {
  Comment: 'mapped',
  StartAt: 'Each',
  States: {
    Each: { Type: 'Map', ItemsPath: '$.items', ItemSelector: { 'n.$': '$$.Map.Item.Value' }, ItemProcessor: { StartAt: 'Step', States: { Step: { Type: 'Task', Resource: 'step', End: true } } }, Next: 'After' },
    After: { Type: 'Pass', End: true },
  },
};

export const step = deployable({ runtime: 'nodejs:20', name: 'step', code: { source: 'function main({ n }) { return { n: n - 1 }; }' } });
export const boom = deployable({ runtime: 'nodejs:20', name: 'boom', code: { source: 'function main() { throw new RangeError("boom went the task"); }' } });
const square = deployable<{ n: number }, { square: number }>({ runtime: 'nodejs:20', name: 'square', code: { source: 'function main({ n }) { return { square: n * n }; }' } });

/** A call, a map of three, a sleep and a wait for the event `go` with subject the run's id. */
export const demo = defineWorkflow('demo', async (ctx, input: { n: number }) => {
  const first = await ctx.callAsync(square, { n: input.n }).result();
  const squares = await Promise.all(ctx.map(square, [{ n: 1 }, { n: 2 }, { n: 3 }]).map((future) => future.result()));
  await ctx.sleep(20);
  const go = await ctx.waitForEvent({ type: 'go', subject: ctx.runId });
  return { first: first.square, sum: squares.reduce((total, s) => total + s.square, 0), go: go.data ?? null };
});

/** A square, then a wait for the event `go` with the run's id as subject. */
export const waiting = defineWorkflow('waiting', async (ctx) => {
  const first = await ctx.callAsync(square, { n: 2 }).result();
  const go = await ctx.waitForEvent({ type: 'go', subject: ctx.runId });
  return { first: first.square, go: go.data ?? null };
});

/** Polls `check` until it holds (at most 2 minutes, so a loaded machine only makes it slower), else fails naming `what`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 2400; i++) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await sleep(50);
  }
  throw new Error(`gave up waiting until ${what}`);
}
