import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsyncExecutor, BatchedExecutor, ConcurrentExecutor, SequentialExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { ConfigError, deployable, ExecutionPlan, PlanError, retryPolicy } from '../../src/index.js';
import { PlanDriver } from '../helpers/drivers.js';
import { ScriptedPlatform } from '../helpers/scripted-platform.js';

const run = (phases: ConstructorParameters<typeof PlanDriver>[0]) =>
  new PlanDriver(phases).run({ platform: new SimulatedPlatform(), executor: new SequentialExecutor() });

describe('bad input', () => {
  it('an empty plan', () => {
    assert.throws(() => new ExecutionPlan([]), (e: Error) => e instanceof PlanError && /no phases/.test(e.message));
  });

  it('phase ids that are missing or used twice', () => {
    assert.throws(() => new ExecutionPlan([{ id: '', invocations: [] }]), PlanError);
    assert.throws(() => new ExecutionPlan([{ id: 'a', invocations: [] }, { id: 'a', invocations: [] }]), /"a" is used twice/);
  });

  it('an invocation id used twice', async () => {
    await assert.rejects(run([{ id: 'p', invocations: [{ id: 'x', input: 1 }, { id: 'x', input: 2 }] }]), (e: Error) =>
      e instanceof PlanError && /invocation id "x" is used twice/.test(e.message),
    );
  });

  for (const [what, input, pattern] of [
    ['a BigInt', { n: 1n }, /input\.n is a BigInt/],
    ['a function', { f: () => 1 }, /input\.f is a function/],
    ['a Map', { m: new Map() }, /input\.m is a Map/],
    ['a cycle', (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })(), /input\.self refers back to itself/],
    ['NaN', [1, Number.NaN], /input\[1\] is NaN/],
  ] as const) {
    it(`an input JSON cannot carry: ${what}`, async () => {
      const platform = new ScriptedPlatform();
      const driver = new PlanDriver([{ id: 'p', invocations: [{ id: 'ok', input: 1 }, { id: 'bad', input }] }]);
      await assert.rejects(driver.run({ platform, executor: new SequentialExecutor() }), (e: Error) =>
        e instanceof PlanError && /invocation "bad"/.test(e.message) && pattern.test(e.message),
      );
      assert.equal(platform.calls.length, 0, 'nothing runs before the plan is checked');
      assert.equal(platform.removed.length, 1, 'and the deployment is removed');
    });
  }

  for (const concurrency of [0, -3, 1.5]) {
    it(`concurrency ${concurrency}`, () => {
      assert.throws(() => new ConcurrentExecutor({ concurrency }), (e: Error) =>
        e instanceof ConfigError && e.message.includes('ConcurrentExecutor: option "concurrency"') && e.message.includes(`(got ${concurrency})`),
      );
    });
  }

  it('other executor options', () => {
    assert.throws(() => new BatchedExecutor({ batchSize: 0 }), /option "batchSize"/);
    assert.throws(() => new BatchedExecutor({ pauseMs: -1 }), /option "pauseMs"/);
    assert.throws(() => new SequentialExecutor({ concurency: 3 } as never), /Unrecognized key: "concurency"/);
    assert.throws(() => retryPolicy({ maxAttempts: 0 }), /option "maxAttempts": must be at least 1/);
    assert.throws(() => retryPolicy({ retryOn: ['fatal'] as never }), /option "retryOn.0"/);
  });

  it('an unknown runtime', () => {
    assert.throws(() => deployable({ runtime: 'cobol:85', code: { source: 'x' } }), (e: Error) =>
      e instanceof ConfigError && /unknown runtime "cobol:85": use one of .*nodejs:20/.test(e.message),
    );
  });

  it('a deployable with bad limits', () => {
    assert.throws(() => deployable({ runtime: 'nodejs:20', code: { source: 'x' }, memoryMB: 8 }), /option "memoryMB": must be at least 64/);
    assert.throws(() => deployable({ runtime: 'nodejs:20', code: {} as never }), /option "code"/);
  });

  it('the async executor on a platform without non-blocking calls', async () => {
    const platform = new ScriptedPlatform();
    const driver = new PlanDriver([{ id: 'p', invocations: [{ input: 1 }] }]);
    await assert.rejects(driver.run({ platform, executor: new AsyncExecutor() }), /AsyncExecutor needs a platform with non-blocking calls/);
    assert.equal(platform.removed.length, 1);
  });

  it('simulated platform rates out of range', () => {
    assert.throws(() => new SimulatedPlatform({ transientErrorRate: 2 }), /option "transientErrorRate": must be a rate between 0 and 1/);
  });
});
