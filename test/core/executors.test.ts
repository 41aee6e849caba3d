import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsyncExecutor, BatchedExecutor, ConcurrentExecutor, SequentialExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import type { Executor, Invocation } from '../../src/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';

const faults = {
  seed: 7,
  latency: { distribution: 'uniform', minMs: 0, maxMs: 2 },
  transientErrorRate: 0.1,
  functionErrorRate: 0.05,
} as const;
const retry = { maxAttempts: 6, minDelayMs: 1, maxDelayMs: 5 };

function summary(invocations: Invocation[]) {
  return invocations.map((i) => ({
    id: i.id,
    status: i.status,
    output: i.output,
    error: i.error?.class,
    attempts: i.attempts.map((a) => a.errorClass ?? 'ok'),
  }));
}

async function runWith(executor: Executor, count: number) {
  const platform = new SimulatedPlatform(faults);
  const driver = new PlanDriver([{ id: 'main', invocations: inputs(count) }]);
  const ends = new Map<string, number>();
  driver.events.on('invocation:end', ({ invocation }) => ends.set(invocation.id, (ends.get(invocation.id) ?? 0) + 1));
  const result = await driver.run({ platform, executor });
  return { invocations: result.phases[0]!.invocations, ends };
}

describe('executors', () => {
  it('give the same records for the same plan, only their timing differs', async () => {
    const count = 2_000;
    const runs = {
      sequential: await runWith(new SequentialExecutor({ retry }), count),
      concurrent: await runWith(new ConcurrentExecutor({ concurrency: 100, retry }), count),
      batched: await runWith(new BatchedExecutor({ batchSize: 250, retry }), count),
      async: await runWith(new AsyncExecutor({ concurrency: 50, pollIntervalMs: 1, retry }), count),
    };
    const expected = summary(runs.sequential.invocations);
    assert.equal(expected.length, count);
    assert.ok(expected.some((r) => r.status === 'failed' && r.error === 'function'), 'the seed yields function errors');
    assert.ok(expected.some((r) => r.attempts.includes('transient') && r.status === 'succeeded'), 'the seed yields retried transients');
    for (const [name, run] of Object.entries(runs)) {
      assert.deepEqual(summary(run.invocations), expected, `${name} records differ from sequential`);
      assert.equal(run.ends.size, count, `${name}: every invocation ends`);
      assert.ok([...run.ends.values()].every((n) => n === 1), `${name}: every invocation ends exactly once`);
    }
  });

  it('never exceed their concurrency', async () => {
    const platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 2 } });
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(600) }]);
    await driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 16 }) });
    assert.equal(platform.stats.peakInFlight, 16);
  });

  it('run batches one after another', async () => {
    const platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 2 } });
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(100) }]);
    const result = await driver.run({ platform, executor: new BatchedExecutor({ batchSize: 30, pauseMs: 5 }) });
    const records = result.phases[0]!.invocations;
    for (let b = 1; b * 30 < records.length; b++) {
      const previousEnd = Math.max(...records.slice((b - 1) * 30, b * 30).map((r) => r.attempts.at(-1)!.endedAt));
      const start = Math.min(...records.slice(b * 30, (b + 1) * 30).map((r) => r.attempts[0]!.submittedAt));
      assert.ok(start >= previousEnd, `batch ${b} started before batch ${b - 1} ended`);
    }
    assert.ok(platform.stats.peakInFlight <= 30);
  });

  it('record every attempt with its timings on one clock', async () => {
    const platform = new SimulatedPlatform({ seed: 3, transientErrorRate: 0.5, latency: { distribution: 'fixed', ms: 1 } });
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(50) }]);
    const result = await driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 8, retry: { maxAttempts: 20, minDelayMs: 1 } }) });
    for (const record of result.phases[0]!.invocations) {
      assert.equal(record.status, 'succeeded');
      record.attempts.forEach((attempt, index) => {
        assert.equal(attempt.attempt, index + 1);
        assert.ok(attempt.submittedAt <= attempt.startedAt! && attempt.startedAt! <= attempt.endedAt);
        assert.match(attempt.activationId!, /^sim-/);
        if (index < record.attempts.length - 1) assert.equal(attempt.errorClass, 'transient');
        else assert.equal(attempt.errorClass, undefined);
        if (index > 0) assert.ok(attempt.submittedAt >= record.attempts[index - 1]!.endedAt);
      });
    }
    const roundTrip = JSON.parse(JSON.stringify(result.phases[0]!.invocations));
    assert.deepEqual(roundTrip, result.phases[0]!.invocations, 'records are plain JSON data');
  });
});
