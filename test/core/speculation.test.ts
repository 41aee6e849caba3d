import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform, type SimulatedPlatformOptions } from '../../platforms/simulated/index.js';
import { deployable, type PhaseResult } from '../../src/index.js';
import { echoDeployable, inputs, PlanDriver } from '../helpers/drivers.js';

const base: SimulatedPlatformOptions = { seed: 5, latency: { distribution: 'fixed', ms: 50 } };
const stragglers: SimulatedPlatformOptions = { ...base, stragglerRate: 0.01, stragglerFactor: 20 };
const speculation = { multiple: 2, floorMs: 30, minSamples: 50 };

async function phase(options: SimulatedPlatformOptions, speculate: boolean, code = echoDeployable): Promise<PhaseResult> {
  const driver = new PlanDriver([{ id: 'main', invocations: inputs(4_000) }], code);
  const executor = new ConcurrentExecutor({ concurrency: 200, ...(speculate ? { speculation } : {}) });
  const result = await driver.run({ platform: new SimulatedPlatform(options), executor });
  return result.phases[0]!;
}

describe('speculative re-execution', () => {
  // The makespan it saves is a figure of `npm run bench -- --only speculation`, not of a unit test.
  it('copies the stragglers, and their copies win', async () => {
    const speculated = await phase(stragglers, true);
    const plain = await phase(stragglers, false);
    const wonByCopy = speculated.invocations.filter((r) => r.attempts.some((a) => a.speculative && !a.errorClass));
    const slowest = Math.max(...plain.invocations.map((r) => r.attempts[0]!.endedAt - r.attempts[0]!.submittedAt));
    assert.ok(slowest >= 500, `the stragglers take 20× the 50 ms latency (slowest: ${slowest} ms)`);
    assert.ok(wonByCopy.length >= 20, `${wonByCopy.length} invocations won by their speculative copy`);
    assert.equal(speculated.counts.succeeded, 4_000);
  });

  it('records the winner once and the loser as aborted, the copy marked speculative', async () => {
    const result = await phase(stragglers, true);
    const copied = result.invocations.filter((r) => r.attempts.some((a) => a.speculative));
    assert.ok(copied.length >= 20 && copied.length <= 400, `${copied.length} invocations copied (cap: 10%)`);
    for (const record of copied) {
      assert.equal(record.status, 'succeeded');
      assert.equal(record.attempts.length, 2);
      assert.equal(record.attempts.filter((a) => !a.errorClass).length, 1, 'one winner');
      const loser = record.attempts.find((a) => a.errorClass)!;
      assert.equal(loser.errorClass, 'aborted');
      assert.match(loser.error!, /superseded/);
      assert.equal(record.attempts.filter((a) => a.speculative).length, 1);
    }
  });

  it('never copies a function marked not idempotent', async () => {
    const code = deployable({ runtime: 'nodejs:20', code: { source: 'function main(a) { return a; }' }, idempotent: false });
    const result = await phase(stragglers, true, code);
    assert.ok(result.invocations.every((r) => r.attempts.every((a) => !a.speculative)));
  });
});
