import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defineWorkflow, NonDeterminismError, runCodeWorkflow, WorkflowWorker, Workspaces } from '../../../flows/index.js';
import { MemoryWorkflowLog, MemoryWorkspaceStore } from '../../../stores/index.js';
import { createPlatform } from '../../../platforms/index.js';
import { FunctionError, type Platform } from '../../../src/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { eventually } from '../stream-reading.js';
import { counted, countedFunctions, gated, square, sum } from './functions.js';

describe('workflows as code', () => {
  const dir = suiteTempDir('falco-code-');
  let platform: Platform;
  before(async () => {
    platform = await createPlatform('local');
  });
  after(async () => {
    await platform.close();
  });

  it('runs callAsync, map, mapReduce, sleep, now and random, and returns the typed output', async () => {
    const flow = defineWorkflow('basics', async (ctx, input: { n: number }) => {
      const one = await ctx.callAsync(square, { n: input.n }).result();
      const many = await Promise.all(ctx.map(square, [1, 2, 3].map((n) => ({ n }))).map((f) => f.result()));
      const reduced = await ctx.mapReduce(square, [1, 2, 3, 4].map((n) => ({ n })), sum).result();
      const t = ctx.now();
      await ctx.sleep(30);
      const r = ctx.random();
      return { one: one.square, many: many.map((m) => m.square), sum: reduced.sum, later: ctx.now() >= t, r: r >= 0 && r < 1 };
    });
    const outcome = await runCodeWorkflow(flow, { n: 7 }, { platform });
    assert.deepEqual(outcome.status === 'succeeded' && outcome.output, { one: 49, many: [1, 4, 9], sum: 30, later: true, r: true });
  });

  it('types calls by the deployable: a wrong input does not compile', () => {
    defineWorkflow('typed', async (ctx) => {
      // @ts-expect-error square takes { n: number }
      ctx.callAsync(square, { m: 1 });
      // @ts-expect-error map takes a list of square's inputs
      ctx.map(square, [{ n: 'one' }]);
      // @ts-expect-error files split into chunks only for a function of Chunk
      ctx.map(square, { files: 'numbers.txt' }, { chunkSize: 1024 });
      const future = ctx.callAsync(square, { n: 1 });
      // @ts-expect-error the output is { square: number }
      const wrong: string = (await future.result()).square;
      return wrong;
    });
  });

  it('waits for an event and for a child workflow', async () => {
    const store = new MemoryWorkspaceStore();
    const child = defineWorkflow('child', async (ctx, input: { n: number }) => (await ctx.callAsync(square, { n: input.n }).result()).square + 1);
    const parent = defineWorkflow('parent', async (ctx) => {
      const approval = await ctx.waitForEvent({ type: 'approval', subject: 'order-1' });
      const fromChild = await ctx.child(child, { n: 4 }).result();
      return { approved: approval.data, fromChild };
    });
    const running = runCodeWorkflow(parent, undefined, { platform, store, runId: 'parent-1' });
    await eventually(async () => (await store.getTrigger('parent-1', 'event:E000').catch(() => undefined)) !== undefined, 'the waitForEvent trigger is put');
    await new Workspaces(store).publish('parent-1', [{ id: 'approval-1', source: 'test', type: 'approval', subject: 'order-1', data: { by: 'ana' } }]);
    const outcome = await running;
    assert.deepEqual(outcome.status === 'succeeded' && outcome.output, { approved: { by: 'ana' }, fromChild: 17 });
    await store.close();
  });

  it('wait returns once any, or a fraction, of the futures have ended', async () => {
    const flag = join(dir(), 'never');
    const flow = defineWorkflow('waits', async (ctx) => {
      const any = await ctx.wait<unknown>([ctx.callAsync(gated, { flag }), ctx.callAsync(square, { n: 2 }), ctx.callAsync(gated, { flag })], { returnWhen: 'any' });
      const half = await ctx.wait<unknown>([...ctx.map(square, [{ n: 1 }, { n: 2 }]), ...ctx.map(gated, [{ flag }, { flag }])], { returnWhen: 0.5 });
      return { any: [any.done.map((f) => f.key), any.notDone.map((f) => f.key)], half: [half.done.map((f) => f.key), half.notDone.map((f) => f.key)] };
    });
    const outcome = await runCodeWorkflow(flow, undefined, { platform });
    assert.deepEqual(outcome.status === 'succeeded' && outcome.output, {
      any: [['A001/0'], ['A000/0', 'A002/0']],
      half: [['M003/0', 'M003/1'], ['M004/0', 'M004/1']],
    });
  });

  it('replays a failed call as the same error, and a resume runs it again', async () => {
    const store = new MemoryWorkspaceStore();
    const log = new MemoryWorkflowLog();
    const flag = join(dir(), 'flag');
    const { flaky } = await import('./functions.js');
    const flow = defineWorkflow('retry', async (ctx) => {
      const first = await ctx.callAsync(square, { n: 3 }).result();
      try {
        return { first: first.square, second: await ctx.callAsync(flaky, { flag }).result() };
      } catch (error) {
        throw new Error(`caught ${(error as Error).name}: ${error instanceof FunctionError ? error.errorType : 'no type'}`);
      }
    });
    const failed = await runCodeWorkflow(flow, undefined, { platform, store, log, runId: 'retry-1' });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.status === 'failed' && failed.error.message, 'caught FunctionError: RangeError');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(flag, '');
    const worker = new WorkflowWorker({ store, log, platform, workflows: [flow] });
    const resumed = await (await worker.resume('retry-1')).outcome;
    await worker.stop();
    assert.deepEqual(resumed.status === 'succeeded' && resumed.output, { first: 9, second: { ok: true } });
    const results = (await log.read('retry-1')).filter((record) => record.kind === 'result');
    assert.deepEqual(results.map((r) => [r.slot, r.epoch, r.ok]), [['A000/0', 0, true], ['A001/0', 0, false], ['A001/0', 1, true]], 'the square ran once, the flaky call twice');
    await store.close();
  });

  it('does not send again a call whose result is logged though its call record is not (a crash between the two)', async () => {
    const counter = join(dir(), 'relogged-counter');
    const functions = countedFunctions(counter);
    const flow = defineWorkflow('relogged', async (ctx) => (await Promise.all(ctx.map(functions.square, [1, 2, 3].map((n) => ({ n }))).map((f) => f.result()))).map((r) => r.square));
    const log = new MemoryWorkflowLog();
    // The commands went out and two results came back and were logged; the crash lost the call record.
    await log.append('relogged-1', [
      { kind: 'started', workflow: 'relogged', input: null },
      { kind: 'result', slot: 'M000/0', epoch: 0, ok: true, output: { square: 1 } },
      { kind: 'result', slot: 'M000/1', epoch: 0, ok: true, output: { square: 4 } },
    ]);
    const store = new MemoryWorkspaceStore();
    const worker = new WorkflowWorker({ store, log, platform, workflows: [flow] });
    const outcome = await (await worker.resume('relogged-1')).outcome;
    await worker.stop();
    await store.close();
    assert.deepEqual(outcome.status === 'succeeded' && outcome.output, [1, 4, 9]);
    assert.deepEqual(counted(counter), ['relogged-1/M000/2'], 'only the call without a result ran');
  });

  it('a call whose input or function differs from the log at its position is a NonDeterminismError naming it', async () => {
    const store = new MemoryWorkspaceStore();
    const log = new MemoryWorkflowLog();
    const version = (n: number, fn = square) =>
      defineWorkflow('changing', async (ctx) => {
        await ctx.callAsync(square, { n: 1 }).result();
        await ctx.callAsync(fn, { n }).result();
        return ctx.waitForEvent({ type: 'never' });
      });
    const original = version(2);
    const first = new WorkflowWorker({ store, log, platform });
    await first.start(original, undefined, { runId: 'changing-1' });
    await eventually(async () => (await log.read('changing-1')).filter((r) => r.kind === 'result').length === 2, 'both calls ended');
    await eventually(async () => (await store.getTrigger('changing-1', 'event:E002')) !== undefined, 'the run waits for its event');
    await first.stop();
    for (const [changed, what] of [[version(3), /A001: the input differs/], [version(2, sum as never), /A001: the function changed/]] as const) {
      const second = new WorkflowWorker({ store, log, platform, workflows: [changed] });
      await assert.rejects((await second.resume('changing-1')).outcome, (error: unknown) => error instanceof NonDeterminismError && error.position === 'A001' && what.test(error.message));
      await second.stop();
    }
    await store.close();
  });
});
