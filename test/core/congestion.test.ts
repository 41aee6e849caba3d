import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { ConfigError, type Invocation } from '../../src/index.js';
import { AimdController } from '../../src/spi.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

/** A phase of `count` calls of 50 ms under a hidden cap of 300, on simulated time: its makespan in virtual ms, its records and what the platform saw. */
async function underHiddenCap(count: number, retry: { minDelayMs?: number; maxDelayMs?: number } = {}) {
  const clock = new VirtualClock();
  const platform = new SimulatedPlatform({ concurrencyCap: 300, latency: { distribution: 'fixed', ms: 50 }, clock });
  const driver = new PlanDriver([{ id: 'main', invocations: inputs(count) }]);
  const result = await driver.run({ platform, executor: new ConcurrentExecutor({ retry: { maxAttempts: 20, ...retry } }) });
  assert.equal(result.phases[0]!.counts.succeeded, count, 'every invocation succeeds');
  return { makespan: clock.now(), records: result.phases[0]!.invocations, ...platform.stats };
}

/** Mean calls in flight over the phase, from the records: Σ call time / makespan. */
function meanConcurrency(records: Invocation[]): number {
  const attempts = records.flatMap((r) => r.attempts);
  const start = Math.min(...attempts.map((a) => a.submittedAt));
  const end = Math.max(...attempts.map((a) => a.endedAt));
  const busy = attempts.filter((a) => !a.errorClass).reduce((sum, a) => sum + (a.endedAt - a.submittedAt), 0);
  return busy / (end - start);
}

describe('congestion control', () => {
  it('AIMD finds a hidden concurrency cap of 300 with no user-set concurrency', async () => {
    const platform = new SimulatedPlatform({ concurrencyCap: 300, latency: { distribution: 'fixed', ms: 50 } });
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(20_000) }]);
    const result = await driver.run({ platform, executor: new ConcurrentExecutor({ retry: { maxAttempts: 20 } }) });
    const records = result.phases[0]!.invocations;
    assert.equal(result.phases[0]!.counts.succeeded, records.length, 'every invocation succeeds');
    const { calls, throttled, peakInFlight } = platform.stats;
    assert.ok(throttled / calls <= 0.05, `${throttled} of ${calls} calls throttled`);
    assert.equal(peakInFlight, 300);
    const utilisation = meanConcurrency(records) / 300;
    assert.ok(utilisation >= 0.85, `used ${(utilisation * 100).toFixed(1)}% of the cap`);
  });

  it('AIMD reaches 0.95 of the ideal under a hidden cap on simulated time, with at most 1% throttled', async () => {
    const { makespan, throttled, calls } = await underHiddenCap(30_000);
    const ideal = (30_000 / 300) * 50;
    assert.ok(ideal / makespan >= 0.95, `${makespan} virtual ms against the ideal ${ideal}`);
    assert.ok(throttled / calls <= 0.01, `${throttled} of ${calls} calls throttled`);
  });

  it('a call AIMD saw throttled comes back at the next success, not after its backoff', async () => {
    // The backoff is 5 s; the next success comes within a few turns of the event loop (simulated time).
    const { records, throttled } = await underHiddenCap(3_000, { minDelayMs: 5_000, maxDelayMs: 5_000 });
    assert.ok(throttled > 0, 'the cap was hit');
    const waits = records.flatMap((r) => r.attempts.slice(1).map((retry, i) => retry.submittedAt - r.attempts[i]!.endedAt));
    assert.equal(waits.length, throttled);
    for (const wait of waits) assert.ok(wait < 5_000, `a throttled call waited ${wait.toFixed(0)} ms to come back`);
  });

  it('AIMD quadruples its window per round trip in slow start', () => {
    const aimd = new AimdController({ initial: 10, min: 1, max: 1_000, increase: 1, decrease: 0.9 });
    const roundTrip = (): void => {
      for (let i = aimd.concurrency; i > 0; i--) aimd.feedback('success', 0);
    };
    roundTrip();
    assert.equal(aimd.concurrency, 40);
    roundTrip();
    assert.equal(aimd.concurrency, 160);
  });

  it('AIMD cuts the window once per round trip and never passes the user maximum', () => {
    const aimd = new AimdController({ initial: 10, min: 2, max: 40, increase: 1, decrease: 0.5 });
    for (let i = 0; i < 100; i++) aimd.feedback('success', 0);
    assert.equal(aimd.concurrency, 40, 'slow start grows to the maximum');
    const before = performance.timeOrigin + performance.now();
    aimd.feedback('throttled', before);
    assert.equal(aimd.concurrency, 20);
    aimd.feedback('throttled', before - 1);
    assert.equal(aimd.concurrency, 20, 'news of calls sent before the cut does not cut again');
    aimd.feedback('function', 0);
    aimd.feedback('transient', 0);
    assert.equal(aimd.concurrency, 20, 'only throttling is a congestion signal');
  });

  it('AIMD regrows fast towards the last cap, then probes by one per round trip, and cuts gently near the cap it found', () => {
    const aimd = new AimdController({ initial: 100, min: 1, max: 1_000, increase: 1, decrease: 0.9 });
    aimd.feedback('throttled', performance.timeOrigin + performance.now());
    assert.equal(aimd.concurrency, 90, 'the first throttle cuts by `decrease`');
    const roundTrip = (): void => {
      for (let i = aimd.concurrency; i > 0; i--) aimd.feedback('success', 0);
    };
    roundTrip();
    assert.equal(aimd.concurrency, 93, 'back towards 100 by a good part of the gap in one round trip');
    for (let i = 0; i < 4; i++) roundTrip();
    assert.equal(aimd.concurrency, 99, 'within one call of the cap');
    for (let i = 0; i < 3; i++) roundTrip();
    assert.equal(aimd.concurrency, 102, 'past the cap it was cut at, one more per round trip');
    aimd.feedback('throttled', performance.timeOrigin + performance.now());
    assert.equal(aimd.concurrency, 99, 'a throttle near the last cap cuts by a quarter of `decrease`');
  });

  it('a token bucket holds the request rate', async () => {
    const platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 0 } });
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(60) }]);
    const result = await driver.run({ platform, executor: new ConcurrentExecutor({ congestion: { kind: 'rate', perSecond: 200, burst: 10 } }) });
    const starts = result.phases[0]!.invocations.map((r) => r.attempts[0]!.submittedAt).sort((a, b) => a - b);
    const span = starts.at(-1)! - starts[0]!;
    // 10 go at once (the burst), the other 50 at 200/s: at least 250 ms.
    assert.ok(span >= 240, `60 calls went out within ${span.toFixed(0)} ms`);
  });

  it('rejects pacing given twice or wrong', () => {
    assert.throws(() => new ConcurrentExecutor({ concurrency: 4, congestion: { kind: 'aimd' } }), (e: Error) =>
      e instanceof ConfigError && /either "concurrency" or "congestion"/.test(e.message),
    );
    assert.throws(() => new ConcurrentExecutor({ congestion: { kind: 'aimd', decrease: 1.5 } }), /option "decrease": must be below 1/);
    assert.throws(() => new ConcurrentExecutor({ congestion: { kind: 'warp' } as never }), /ConcurrentExecutor congestion/);
  });
});
