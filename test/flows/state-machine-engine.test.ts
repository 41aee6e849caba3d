import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileStateMachine, WORKFLOW_FAILED, WORKFLOW_SUCCEEDED, type StateMachineDefinition } from '../../flows/index.js';
import type { FalcoEvent, Json } from '../../stores/index.js';
import { EngineHarness, type Fn } from './dag-and-state-machine-harness.js';

function run(definition: StateMachineDefinition | object, input: Json, functions: Record<string, Fn> = {}, options: { twice?: boolean; batch?: number; duplicate?: (event: FalcoEvent) => boolean } = {}) {
  const { triggers, start } = compileStateMachine(definition, { workspace: 'ws', resources: Object.keys(functions) });
  const harness = new EngineHarness(triggers, functions, { global: { input }, twice: options.twice ?? false, ...(options.duplicate ? { duplicate: options.duplicate } : {}) });
  const end = harness.publish({ id: 'start', source: 'test', type: 'falco.sm.enter', subject: `${start}/0`, data: { input } }).run(options.batch);
  return { end, data: end.data as { output?: Json; error?: string; cause?: string }, harness };
}

const add: Fn = (input) => {
  const { a, b } = input as { a: number; b: number };
  return { sum: a + b };
};

describe('state machine on the trigger engine', () => {
  it('runs Pass, Choice and Succeed with InputPath, Result, ResultPath and OutputPath', () => {
    const definition: StateMachineDefinition = {
      StartAt: 'Size',
      States: {
        Size: { Type: 'Choice', InputPath: '$.order', Choices: [{ Variable: '$.n', NumericGreaterThan: 3, Next: 'Big' }], Default: 'Small' },
        Big: { Type: 'Pass', Result: { label: 'big' }, ResultPath: '$.size', Next: 'Done' },
        Small: { Type: 'Pass', Result: 'small', ResultPath: '$.size', Next: 'Done' },
        Done: { Type: 'Succeed', OutputPath: '$.size' },
      },
    };
    assert.deepEqual(run(definition, { order: { n: 5 } }).data, { output: { label: 'big' } });
    assert.deepEqual(run(definition, { order: { n: 1 } }).data, { output: 'small' });
  });

  it('runs a Task with Parameters, ResultSelector, ResultPath and OutputPath', () => {
    const { end, data, harness } = run(
      { StartAt: 'Add', States: { Add: { Type: 'Task', Resource: 'add', Parameters: { 'a.$': '$.x', b: 10 }, ResultSelector: { 'total.$': '$.sum' }, ResultPath: '$.result', End: true } } },
      { x: 5, keep: true },
      { add },
    );
    assert.equal(end.type, WORKFLOW_SUCCEEDED);
    assert.deepEqual(data.output, { x: 5, keep: true, result: { total: 15 } });
    assert.deepEqual(harness.commands.map((c) => [c.deployment, c.key, c.idempotencyKey, c.input]), [['add', '0~1.1', 'ws/s0/0~1.1', { a: 5, b: 10 }]]);
  });

  it('retries a failed Task through store timers at the backoff, with a new key per attempt', () => {
    let calls = 0;
    const flaky: Fn = (input) => {
      if (++calls < 3) throw new TypeError('not yet');
      return add(input, undefined as never);
    };
    const before = Date.now();
    const { end, data, harness } = run(
      { StartAt: 'Add', States: { Add: { Type: 'Task', Resource: 'add', Retry: [{ ErrorEquals: ['TypeError'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 2 }], End: true } } },
      { a: 1, b: 2 },
      { add: flaky },
      { twice: true },
    );
    const done = Date.now();
    assert.equal(end.type, WORKFLOW_SUCCEEDED);
    assert.deepEqual(data.output, { sum: 3 });
    assert.deepEqual(harness.commands.map((c) => c.key), ['0~1.1', '0~1.2', '0~1.3']);
    const retries = harness.retryTimers;
    assert.deepEqual(retries.map((t) => t.id), ['ws/s0/0/retry/1/1', 'ws/s0/0/retry/1/2']);
    const delay = (timer: { dueAt: number }, seconds: number) => timer.dueAt >= before + seconds * 1000 && timer.dueAt <= done + seconds * 1000;
    assert.ok(delay(retries[0]!, 2) && delay(retries[1]!, 6), 'IntervalSeconds 2, then × BackoffRate 3');
  });

  it('catches a Task that finally fails: the error goes to ResultPath and the machine goes on at the catcher', () => {
    const { end, data } = run(
      {
        StartAt: 'Add',
        States: {
          Add: { Type: 'Task', Resource: 'add', Retry: [{ ErrorEquals: ['States.Timeout'] }], Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Fallback' }], End: true },
          Fallback: { Type: 'Pass', End: true },
        },
      },
      { a: 1 },
      { add: () => { throw new RangeError('b is missing'); } },
    );
    assert.equal(end.type, WORKFLOW_SUCCEEDED);
    assert.deepEqual(data.output, { a: 1, error: { Error: 'RangeError', Cause: 'b is missing' } });
  });

  it('fails the execution at a Fail state, or when a Task fails uncaught', () => {
    assert.deepEqual(run({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Rejected', Cause: 'over budget' } } }, {}).data, { error: 'Rejected', cause: 'over budget' });
    const { end, data } = run({ StartAt: 'Add', States: { Add: { Type: 'Task', Resource: 'add', End: true } } }, {}, { add: () => { throw new Error('boom'); } });
    assert.equal(end.type, WORKFLOW_FAILED);
    assert.deepEqual(data, { error: 'Error', cause: 'boom' });
  });

  it('runs Parallel branches and collects their outputs in branch order', () => {
    const { data } = run(
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Sum', States: { Sum: { Type: 'Task', Resource: 'add', End: true } } },
              { StartAt: 'Echo', States: { Echo: { Type: 'Pass', Result: 'second', Next: 'Stop' }, Stop: { Type: 'Succeed' } } },
            ],
            ResultPath: '$.both',
            End: true,
          },
        },
      },
      { a: 2, b: 3 },
      { add },
    );
    assert.deepEqual(data.output, { a: 2, b: 3, both: [{ sum: 5 }, 'second'] });
  });

  it('maps over items with ItemSelector, never more than MaxConcurrency at once, outputs in item order, each result and iteration end counted once', () => {
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.pairs',
          MaxConcurrency: 3,
          ItemSelector: { 'a.$': '$$.Map.Item.Value', 'b.$': '$$.Map.Item.Index', 'c.$': '$.offset' },
          ItemProcessor: { StartAt: 'Add', States: { Add: { Type: 'Task', Resource: 'add', ResultSelector: { 'v.$': '$.sum' }, End: true } } },
          End: true,
        },
      },
    };
    const { data, harness } = run(definition, { pairs: [10, 20, 30, 40, 50, 60, 70], offset: 0 }, { add }, { twice: true, batch: 4, duplicate: (event) => event.type === 'falco.sm.branch.succeeded' });
    assert.deepEqual(data.output, [{ v: 10 }, { v: 21 }, { v: 32 }, { v: 43 }, { v: 54 }, { v: 65 }, { v: 76 }]);
    assert.equal(harness.commands.length, 7);
    assert.equal(harness.maxInFlight, 3);
  });

  it('catches a failed iteration on the Map', () => {
    const { data } = run(
      {
        StartAt: 'Each',
        States: {
          Each: { Type: 'Map', ItemProcessor: { StartAt: 'Check', States: { Check: { Type: 'Choice', Choices: [{ Variable: '$', NumericLessThan: 0, Next: 'Negative' }], Default: 'Ok' }, Negative: { Type: 'Fail', Error: 'Negative' }, Ok: { Type: 'Succeed' } } }, Catch: [{ ErrorEquals: ['Negative'], Next: 'Handled' }], End: true },
          Handled: { Type: 'Pass', Result: 'handled', End: true },
        },
      },
      [1, -2, 3],
    );
    assert.deepEqual(data.output, 'handled');
  });

  it('waits through a store timer carrying the output, not a sleep', () => {
    const before = Date.now();
    const harness = (() => {
      const { triggers, start } = compileStateMachine({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, OutputPath: '$.v', End: true } } }, { workspace: 'ws', resources: [] });
      return new EngineHarness(triggers, {}, { global: {} }).publish({ id: 'start', source: 'test', type: 'falco.sm.enter', subject: `${start}/0`, data: { input: { v: 7 } } });
    })();
    const end = harness.run();
    assert.deepEqual(end.data, { output: 7 });
    const wake = harness.published.find((e) => e.type === 'falco.sm.wake');
    assert.equal(wake, undefined, 'the wake event is the timer\'s own, not published by the action');
    assert.ok(harness.firedTimers[0]!.dueAt >= before + 3_600_000);
  });

  it('fails with States.Runtime, naming the state, when a path selects nothing or items are not a list', () => {
    assert.deepEqual(run({ StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'X' }], End: true }, X: { Type: 'Pass', End: true } } }, { items: 'no' }).data, {
      error: 'States.Runtime',
      cause: 'state "M": ItemsPath "$.items" selects "no", not an array',
    });
    assert.match(run({ StartAt: 'P', States: { P: { Type: 'Pass', InputPath: '$.nope', End: true } } }, {}).data.cause!, /state "P": the path "\$.nope" selects nothing/);
    assert.equal(run({ StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.n', IsPresent: true, Next: 'D' }] }, D: { Type: 'Succeed' } } }, {}).data.error, 'States.NoChoiceMatched');
  });
});
