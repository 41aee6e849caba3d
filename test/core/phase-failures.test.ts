import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SequentialExecutor } from '../../executors/index.js';
import { FunctionError, outputsOf, PhaseNotStartedError } from '../../src/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';
import { ScriptedPlatform } from '../helpers/scripted-platform.js';

const failing = (fails: (id: string) => boolean) => new ScriptedPlatform((id) => ({ failures: fails(id) ? [() => new FunctionError(`${id} threw`)] : [] }));
const executor = new SequentialExecutor();
const mapReduce = (count: number, reduce: { continueOnFailure?: boolean } = {}) =>
  new PlanDriver([
    { id: 'map', invocations: inputs(count, 'm') },
    { id: 'reduce', ...reduce, invocations: ({ previous }) => [{ id: 'sum', input: { values: outputsOf(previous!) } }] },
  ]);

describe('a phase after failures', () => {
  it('does not start when every invocation before it failed: the run fails naming the phase and the failed ids', async () => {
    const driver = mapReduce(3);
    let ended: unknown;
    driver.events.on('run:end', ({ error }) => (ended = error));
    const platform = failing(() => true);
    const error = await driver.run({ platform, executor }).catch((e: unknown) => e);
    assert.ok(error instanceof PhaseNotStartedError);
    assert.equal(error.phase, 'reduce');
    assert.equal(error.after, 'map');
    assert.deepEqual(error.failedIds, ['m0', 'm1', 'm2']);
    assert.match(error.message, /phase "reduce" did not start: 3 invocations of phase "map" did not succeed \(m0, m1, m2\); .*continueOnFailure/);
    assert.equal(ended, error, 'run:end carries the error');
    assert.deepEqual(driver.results.map((r) => r.phase), ['map'], 'results hold what ran');
    assert.ok(platform.calls.every((c) => c.id.startsWith('m')), 'the reduce never ran');
    assert.equal(platform.removed.length, 1);
  });

  it('does not start when some failed, and lists the first ten ids with a count of the rest', async () => {
    const error = await mapReduce(40).run({ platform: failing((id) => Number(id.slice(1)) % 2 === 1), executor }).catch((e: unknown) => e);
    assert.ok(error instanceof PhaseNotStartedError);
    assert.equal(error.failedIds.length, 20);
    assert.match(error.message, /20 invocations of phase "map" did not succeed \(m1, m3, m5, m7, m9, m11, m13, m15, m17, m19 and 10 more\)/);
  });

  it('starts anyway with continueOnFailure, for the run or for the one phase', async () => {
    for (const [driver, options] of [[mapReduce(4), { continueOnFailure: true }], [mapReduce(4, { continueOnFailure: true }), {}]] as const) {
      const result = await driver.run({ platform: failing((id) => id === 'm2'), executor, ...options });
      assert.deepEqual(result.phases.map((p) => p.phase), ['map', 'reduce']);
      assert.equal((result.phases[1]!.invocations[0]!.output as { values: unknown[] }).values.length, 3);
    }
    const phaseSaysNo = mapReduce(4, { continueOnFailure: false });
    await assert.rejects(phaseSaysNo.run({ platform: failing((id) => id === 'm2'), executor, continueOnFailure: true }), PhaseNotStartedError);
  });
});
