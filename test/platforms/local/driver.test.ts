import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsyncExecutor, BatchedExecutor, ConcurrentExecutor, SequentialExecutor } from '../../../executors/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { deployable, type Executor } from '../../../src/index.js';
import { inputs, PlanDriver } from '../../helpers/drivers.js';

const js = deployable({ runtime: 'nodejs:20', name: 'js-square', code: { source: 'exports.main = ({ n }) => ({ square: n * n, by: "node" });' } });
const python = deployable({ runtime: 'python:3', name: 'py-square', code: { source: 'def main(args):\n    n = args["n"]\n    return {"square": n * n, "by": "python"}\n' } });
const COUNT = 1_500;

const executors: Record<string, () => Executor> = {
  sequential: () => new SequentialExecutor(),
  concurrent: () => new ConcurrentExecutor({ concurrency: 8 }),
  batched: () => new BatchedExecutor({ batchSize: 8 }),
  async: () => new AsyncExecutor({ concurrency: 8, maxActive: 8, pollIntervalMs: 1 }),
};

describe('real drivers on the local platform', () => {
  for (const [name, executor] of Object.entries(executors)) {
    it(`run ${COUNT} JavaScript and ${COUNT} Python invocations through the ${name} executor`, async () => {
      const platform = new LocalPlatform({ maxInstances: 8 });
      const driver = new PlanDriver([
        { id: 'js', invocations: inputs(COUNT), deployable: js },
        { id: 'python', invocations: inputs(COUNT), deployable: python },
      ]);
      const ends = new Map<string, number>();
      driver.events.on('invocation:end', ({ invocation }) => {
        const key = `${invocation.phase}/${invocation.id}`;
        ends.set(key, (ends.get(key) ?? 0) + 1);
      });
      try {
        const result = await driver.run({ platform, executor: executor() });
        for (const phase of result.phases) {
          assert.equal(phase.counts.succeeded, COUNT, `${phase.phase}: every invocation succeeds`);
          const by = phase.phase === 'js' ? 'node' : 'python';
          phase.invocations.forEach((record, n) => assert.deepEqual(record.output, { square: n * n, by }));
          assert.ok(phase.invocations.some((r) => r.attempts[0]!.coldStart) && phase.invocations.some((r) => r.attempts[0]!.coldStart === false));
        }
        assert.equal(ends.size, 2 * COUNT);
        assert.ok([...ends.values()].every((n) => n === 1), 'every invocation ends exactly once');
        assert.equal(await platform.fetchDeployment(result.phases[0]!.deployment), undefined, 'deployments removed');
      } finally {
        await platform.close();
      }
    });
  }
});
