import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsyncExecutor, BatchedExecutor, ConcurrentExecutor } from '../../../executors/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { deployable, type Executor } from '../../../src/index.js';
import { inputs, PlanDriver } from '../../helpers/drivers.js';

const COUNT = 40;
const sleeper = deployable({ runtime: 'nodejs:20', name: 'sleeper', code: { source: 'exports.main = async ({ n }) => { await new Promise((r) => setTimeout(r, 10)); return { n }; };' } });

/** Executors as a user makes them, with no pacing given: each must keep within the platform's cap. */
const executors: Record<string, () => Executor> = {
  concurrent: () => new ConcurrentExecutor(),
  async: () => new AsyncExecutor({ pollIntervalMs: 5 }),
};

describe("executors' defaults on the local platform", () => {
  for (const [name, executor] of Object.entries(executors)) {
    it(`${name}: sends no more calls than the platform's instances, so none is throttled`, async () => {
      // maxWaitMs 0: a call past the cap is throttled at once instead of waiting for an instance.
      const platform = new LocalPlatform({ maxInstances: 2, maxWaitMs: 0 });
      try {
        const result = await new PlanDriver([{ id: 'p', invocations: inputs(COUNT), deployable: sleeper }]).run({ platform, executor: executor() });
        const [phase] = result.phases;
        assert.equal(phase!.counts.succeeded, COUNT);
        const throttled = phase!.invocations.flatMap((record) => record.attempts).filter((attempt) => attempt.errorClass === 'throttled');
        assert.equal(throttled.length, 0, `${throttled.length} attempts were throttled`);
      } finally {
        await platform.close();
      }
    });
  }

  it('batched: a batch larger than the cap waits for instances instead of failing as throttled', async () => {
    const platform = new LocalPlatform({ maxInstances: 2 });
    try {
      const result = await new PlanDriver([{ id: 'p', invocations: inputs(COUNT), deployable: sleeper }]).run({ platform, executor: new BatchedExecutor({ batchSize: 20 }) });
      const [phase] = result.phases;
      assert.equal(phase!.counts.succeeded, COUNT);
      assert.ok(phase!.invocations.every((record) => record.attempts.length === 1), 'every call succeeded at its first attempt');
    } finally {
      await platform.close();
    }
  });
});
