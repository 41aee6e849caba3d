import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defineWorkflow, runCodeWorkflow } from '../../../flows/index.js';
import { createPlatform } from '../../../platforms/index.js';
import type { Platform } from '../../../src/index.js';
import { square, sum } from './functions.js';

describe('workflows as code', () => {
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
});
