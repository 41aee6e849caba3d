import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrentExecutor, SequentialExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { FunctionError, ThrottledError, TransientError } from '../../src/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';
import { ScriptedPlatform } from '../helpers/scripted-platform.js';

describe('retries', () => {
  it('retry transient and throttled failures until they succeed', async () => {
    const platform = new ScriptedPlatform((id) => ({
      failures: id.endsWith('0') ? [() => new TransientError('502'), () => new ThrottledError('429')] : [],
    }));
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(40) }]);
    const retries: string[] = [];
    driver.events.on('invocation:retry', ({ invocation }) => retries.push(invocation.id));
    const result = await driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 8, retry: { minDelayMs: 1 } }) });
    for (const record of result.phases[0]!.invocations) {
      assert.equal(record.status, 'succeeded');
      const expected = record.id.endsWith('0') ? ['transient', 'throttled', undefined] : [undefined];
      assert.deepEqual(record.attempts.map((a) => a.errorClass), expected);
    }
    assert.equal(retries.length, 4 * 2);
  });

  it('report function errors with the message and never retry them', async () => {
    const platform = new ScriptedPlatform((id) => ({
      failures: id === 'i3' ? [() => new FunctionError('division by zero in i3', { errorType: 'ZeroDivisionError' })] : [],
    }));
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(5) }]);
    const result = await driver.run({ platform, executor: new SequentialExecutor() });
    const failed = result.phases[0]!.invocations.find((r) => r.id === 'i3')!;
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.error, { class: 'function', name: 'FunctionError', message: 'division by zero in i3', type: 'ZeroDivisionError' });
    assert.equal(failed.attempts.length, 1);
    assert.equal(platform.calls.filter((c) => c.id === 'i3').length, 1);
    assert.equal(result.phases[0]!.counts.succeeded, 4);
  });

  it('give up after maxAttempts with the last error', async () => {
    const platform = new ScriptedPlatform(() => ({ failures: Array(10).fill(() => new TransientError('503 always')) }));
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(3) }]);
    const result = await driver.run({ platform, executor: new SequentialExecutor({ retry: { maxAttempts: 3, minDelayMs: 1 } }) });
    for (const record of result.phases[0]!.invocations) {
      assert.equal(record.status, 'failed');
      assert.equal(record.error?.class, 'transient');
      assert.equal(record.attempts.length, 3);
    }
  });

  it('honour the platform Retry-After hint', async () => {
    const platform = new ScriptedPlatform(() => ({ failures: [() => new ThrottledError('429', { retryAfterMs: 120 })] }));
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(2) }]);
    const result = await driver.run({ platform, executor: new SequentialExecutor({ retry: { minDelayMs: 1, jitter: false } }) });
    for (const record of result.phases[0]!.invocations) {
      const [first, second] = record.attempts;
      assert.ok(second!.submittedAt - first!.endedAt >= 120, `waited ${second!.submittedAt - first!.endedAt} ms`);
    }
  });

  it('free the concurrency slot while an invocation backs off', async () => {
    const platform = new ScriptedPlatform((id) => ({
      failures: id === 'i0' ? [() => new ThrottledError('429', { retryAfterMs: 200 })] : [],
      delayMs: 5,
    }));
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(6) }]);
    const result = await driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 1, retry: { minDelayMs: 1 } }) });
    const [first, ...others] = result.phases[0]!.invocations;
    const retryAt = first!.attempts[1]!.submittedAt;
    assert.ok(others.every((r) => r.attempts[0]!.endedAt <= retryAt), 'the others ran while i0 backed off');
    assert.equal(platform.peakInFlight, 1);
  });

  it('time out a hanging call and record the timeout class', async () => {
    const platform = new SimulatedPlatform({ hangRate: 1 });
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(4) }]);
    const result = await driver.run({ platform, executor: new ConcurrentExecutor({ attemptTimeoutMs: 50 }) });
    for (const record of result.phases[0]!.invocations) {
      assert.equal(record.status, 'failed');
      assert.equal(record.error?.class, 'timeout');
      assert.match(record.error!.message, /within 50 ms/);
    }
  });

  it('let the platform time out a function that exceeds its own limit', async () => {
    const platform = new SimulatedPlatform({ hangRate: 1 });
    const { deployable } = await import('../../src/index.js');
    const code = deployable({ runtime: 'python:3', code: { source: 'def main(a): pass' }, timeoutMs: 30 });
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(2) }], code);
    const result = await driver.run({ platform, executor: new SequentialExecutor() });
    for (const record of result.phases[0]!.invocations) {
      assert.equal(record.error?.class, 'timeout');
      assert.match(record.error!.message, /timeout of 30 ms/);
    }
  });
});
