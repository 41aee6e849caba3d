import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsyncExecutor, BatchedExecutor, ConcurrentExecutor, SequentialExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { AbortedError, ConfigError, deployable, ExecutionPlan, outputsOf, PlanError } from '../../src/index.js';
import { retryPolicy } from '../../src/spi.js';
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

  it('outputsOf(undefined): the first phase has no previous phase', () => {
    assert.throws(() => outputsOf(undefined as never), (e: Error) =>
      e instanceof PlanError && /outputsOf\(\) needs a phase result, got undefined: `previous` is undefined in a plan's first phase/.test(e.message),
    );
  });

  it('a phase executor that is not an Executor, a continueOnFailure that is not a boolean', () => {
    assert.throws(() => new ExecutionPlan([{ id: 'p', invocations: [], executor: {} as never }]), (e: Error) =>
      e instanceof PlanError && /phase "p": executor must be an Executor such as new ConcurrentExecutor\(\) .*\(got an object without execute\(\)\)/.test(e.message),
    );
    assert.throws(() => new ExecutionPlan([{ id: 'p', invocations: [], executor: 'concurrent' as never }]), /\(got a string\)/);
    assert.throws(() => new ExecutionPlan([{ id: 'p', invocations: [], continueOnFailure: 'yes' as never }]), /phase "p": continueOnFailure must be true or false/);
  });

  for (const [what, abort] of [
    ['no reason', (c: AbortController) => c.abort()],
    ['a reason of its own', (c: AbortController) => c.abort(new Error('user pressed ctrl-c'))],
  ] as const) {
    it(`a run given a signal already aborted, with ${what}: an AbortedError, and nothing deployed`, async () => {
      const platform = new ScriptedPlatform();
      const driver = new PlanDriver([{ id: 'p', invocations: [{ input: 1 }] }]);
      let deployed = 0;
      driver.events.on('deploy', () => deployed++);
      const controller = new AbortController();
      abort(controller);
      await assert.rejects(driver.run({ platform, executor: new SequentialExecutor(), signal: controller.signal, runId: 'r1' }), (e: Error) =>
        e instanceof AbortedError && /^run "r1" was aborted: /.test(e.message) && e.cause === controller.signal.reason,
      );
      assert.equal(deployed, 0);
      assert.equal(platform.calls.length, 0);
    });
  }

  it("an error thrown by a phase's invocations() names the phase and keeps the cause", async () => {
    const cause = new TypeError("Cannot read properties of undefined (reading 'map')");
    const platform = new ScriptedPlatform();
    const driver = new PlanDriver([{ id: 'first', invocations: [{ input: 1 }] }, { id: 'second', invocations: () => { throw cause; } }]);
    await assert.rejects(driver.run({ platform, executor: new SequentialExecutor() }), (e: Error) =>
      e instanceof PlanError && e.message === `phase "second": its invocations() function threw: ${cause.message}` && e.cause === cause,
    );
    assert.equal(platform.removed.length, 1);
  });
});
