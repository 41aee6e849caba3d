import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SequentialExecutor } from '../../executors/index.js';
import { ConfigError, ExecutionPlan, outputsOf, PlanError, type PhaseResult } from '../../src/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';
import { ScriptedPlatform } from '../helpers/scripted-platform.js';

const executor = new SequentialExecutor();

describe('a Driver run more than once', () => {
  it('starts each run clean: its own phases only, and no previous output seen by its first phase', async () => {
    const seen: (PhaseResult | undefined)[] = [];
    const driver = new PlanDriver([
      { id: 'map', invocations: ({ previous }) => (seen.push(previous), inputs(3)) },
      { id: 'reduce', invocations: ({ previous }) => [{ input: { values: outputsOf(previous!) } }] },
    ]);
    const platform = new ScriptedPlatform();
    const first = await driver.run({ platform, executor });
    const second = await driver.run({ platform, executor });
    assert.deepEqual(first.phases.map((p) => p.phase), ['map', 'reduce']);
    assert.deepEqual(second.phases.map((p) => p.phase), ['map', 'reduce']);
    assert.deepEqual(driver.results.map((p) => p.phase), ['map', 'reduce']);
    assert.deepEqual(seen, [undefined, undefined]);
    assert.equal(platform.removed.length, 2, 'each run removes its own deployment');
  });

  it('builds its plan again for every run, so a plan that failed to build can succeed next time', async () => {
    let builds = 0;
    class Flaky extends PlanDriver {
      override executionPlan(): ExecutionPlan {
        if (++builds === 1) throw new Error('the input listing is not ready');
        return super.executionPlan();
      }
    }
    const driver = new Flaky([{ id: 'main', invocations: inputs(2) }]);
    const platform = new ScriptedPlatform();
    await assert.rejects(driver.run({ platform, executor }), (e: Error) =>
      e instanceof PlanError && /executionPlan\(\) failed: the input listing is not ready/.test(e.message) && (e.cause as Error).message === 'the input listing is not ready',
    );
    const result = await driver.run({ platform, executor });
    assert.equal(result.phases[0]!.counts.succeeded, 2);
    assert.equal(builds, 2);
  });

  it('refuses to deploy over deployments not yet removed, instead of losing track of them', async () => {
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(1) }]);
    const platform = new ScriptedPlatform();
    await driver.deploy(platform);
    const deployed = driver.deploymentOf('main')!;
    await assert.rejects(driver.run({ platform, executor }), (e: Error) => e instanceof ConfigError && /call remove\(\) first/.test(e.message));
    assert.deepEqual(platform.removed, [deployed.name], 'the failed run removed what was deployed');
    assert.equal(driver.deploymentOf('main'), undefined);
    const result = await driver.run({ platform, executor });
    assert.equal(result.phases[0]!.counts.succeeded, 1);
  });
});
