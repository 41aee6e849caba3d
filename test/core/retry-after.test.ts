import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SequentialExecutor } from '../../executors/index.js';
import { ThrottledError } from '../../src/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';
import { ScriptedPlatform } from '../helpers/scripted-platform.js';

describe('a Retry-After hint', () => {
  it('is waited on top of the backoff, and the retry event reports the wait taken', async () => {
    const throttled = (): ThrottledError => new ThrottledError('429', { retryAfterMs: 60 });
    const platform = new ScriptedPlatform(() => ({ failures: [throttled, throttled] }));
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(1) }]);
    const reported: number[] = [];
    driver.events.on('invocation:retry', ({ delayMs }) => reported.push(delayMs));
    const retry = { minDelayMs: 40, factor: 2, jitter: false };
    const result = await driver.run({ platform, executor: new SequentialExecutor({ retry }) });
    assert.deepEqual(reported, [60 + 40, 60 + 80]);
    const attempts = result.phases[0]!.invocations[0]!.attempts;
    assert.equal(attempts.length, 3);
    for (const [index, delayMs] of reported.entries()) {
      const waited = attempts[index + 1]!.submittedAt - attempts[index]!.endedAt;
      assert.ok(waited >= delayMs - 1, `retry ${index + 1} reported ${delayMs} ms and waited ${waited} ms`);
    }
  });
});
