import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { deployable } from '../../src/deployable.js';
import { AbortedError } from '../../src/errors.js';
import type { InvokeResult } from '../../src/platform.js';

const CALLS = 1_000;
const code = deployable({ runtime: 'nodejs:20', code: { source: 'x' } });

/** Starts CALLS calls in one go; counts the timers and immediates made meanwhile, and how many milliseconds starting them took. */
async function startCalls(platform: SimulatedPlatform, signal?: AbortSignal) {
  const deployment = await platform.deploy(code);
  const made = { Timeout: 0, Immediate: 0 };
  const hook = createHook({
    init(_id, type) {
      if (type === 'Timeout' || type === 'Immediate') made[type]++;
    },
  });
  const started = performance.now();
  hook.enable();
  const calls: Promise<InvokeResult>[] = [];
  for (let n = 0; n < CALLS; n++) calls.push(platform.invoke(deployment, n, { invocationId: `c-${n}`, attempt: 1, signal }));
  hook.disable();
  return { calls, made, elapsedMs: performance.now() - started };
}

const timersAlive = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('0 ms calls need no timer: they end on the next turn of the event loop, with one immediate for all', async () => {
  const { calls, made } = await startCalls(new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 0 } }));
  assert.deepEqual(made, { Timeout: 0, Immediate: 1 });
  const results = await Promise.all(calls);
  assert.deepEqual(results.map((r) => r.output), Array.from({ length: CALLS }, (_, n) => n));
});

test('calls with a latency end one at a time: each caller hears of its end before the next call ends, as congestion control needs', async () => {
  let ended = 0;
  const handler = (input: unknown): unknown => {
    ended++;
    return input;
  };
  const platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 10 }, handler });
  const { calls } = await startCalls(platform);
  const seen = await Promise.all(calls.map((call) => call.then(() => ended)));
  // When a caller hears of its call's end, no other call has ended since: ends are not batched before their callers run.
  assert.deepEqual(seen, Array.from({ length: CALLS }, (_, n) => n + 1));
});

test('a signal shared by many calls gets one abort listener; aborting it ends them all and leaves no timer behind', async () => {
  const before = timersAlive();
  const controller = new AbortController();
  const { calls } = await startCalls(new SimulatedPlatform({ latency: { distribution: 'uniform', minMs: 30_000, maxMs: 60_000 } }), controller.signal);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
  controller.abort(new Error('stop'));
  const settled = await Promise.allSettled(calls);
  for (const outcome of settled) {
    assert.equal(outcome.status, 'rejected');
    assert.ok(outcome.reason instanceof AbortedError, String(outcome.reason));
  }
  assert.equal(timersAlive(), before, 'timers of aborted calls still keep the process alive');
});

test('a call on an already aborted signal rejects as aborted, and the platform counts it as ended', async () => {
  const platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 0 }, concurrencyCap: 1 });
  const deployment = await platform.deploy(code);
  const signal = AbortSignal.abort(new Error('gone'));
  await assert.rejects(platform.invoke(deployment, 1, { invocationId: 'a', attempt: 1, signal }), AbortedError);
  // Its slot was given back: the cap of one admits the next call.
  assert.deepEqual((await platform.invoke(deployment, 2, { invocationId: 'b', attempt: 1 })).output, 2);
});
