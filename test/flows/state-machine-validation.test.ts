import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlanError } from '../../src/index.js';
import { compileStateMachine, parseStateMachine, StateMachineError } from '../../flows/index.js';

function rejects(definition: unknown, pattern: RegExp, resources: string[] = ['add']): void {
  assert.throws(
    () => compileStateMachine(definition, { workspace: 'ws', resources }),
    (error: unknown) => {
      assert.ok(error instanceof StateMachineError, `expected a StateMachineError, got ${String(error)}`);
      assert.ok(error instanceof PlanError);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

const pass = { Type: 'Pass', End: true };

describe('state machine validation', () => {
  it('names a state of an unknown type and the types there are', () => {
    rejects({ StartAt: 'A', States: { A: { Type: 'Sleep', End: true } } }, /state "A" has an unknown Type "Sleep": use one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map/);
    rejects({ StartAt: 'A', States: { A: { End: true } } }, /state "A" has no Type/);
  });

  it('names a Next to a missing state, with the states there are', () => {
    rejects({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }, /state "A": Next "B" names no state in its machine; use one of "A"/);
    rejects(
      { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'Gone' }], Default: 'Also' } } },
      /state "C": Choices\[0\].Next "Gone" names no state.*state "C": Default "Also" names no state/,
    );
  });

  it('names a missing or wrong StartAt', () => {
    rejects({ States: { A: pass } }, /the state machine has no StartAt: name the first state \(one of "A"\)/);
    rejects({ StartAt: 'B', States: { A: pass } }, /StartAt "B" names no state; use one of "A"/);
    rejects({ StartAt: 'A' }, /the state machine has no States/);
  });

  it('names states inside branches and item processors by their path', () => {
    rejects(
      { StartAt: 'P', States: { P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'X', States: { X: { Type: 'Nope', End: true } } }] } } },
      /state "P\/Branches\[0\]\/X" has an unknown Type "Nope"/,
    );
    rejects({ StartAt: 'M', States: { M: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'Y', States: { Y: { Type: 'Pass', Next: 'Z' } } } } } }, /state "M\/ItemProcessor\/Y": Next "Z" names no state/);
  });

  it('refuses a Task whose Resource is not registered with the run', () => {
    rejects({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'mul', End: true } } }, /state "T": Resource "mul" is not a deployable registered with the run; pass it in resources \(registered: "add"\)/);
  });

  it('refuses malformed rules, waits, retriers, paths and fields it does not support', () => {
    rejects({ StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericAbout: 1, Next: 'C' }] } } }, /Choices\[0\].NumericAbout: unknown comparison operator/);
    rejects({ StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 'one', Next: 'C' }] } } }, /Choices\[0\].NumericEquals must be a numeric/);
    rejects({ StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Not: { Variable: '$.n', IsNull: true, Next: 'C' } }] } } }, /has no "Next": every top-level Choice rule.*has a "Next" inside And\/Or\/Not/);
    rejects({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, Timestamp: '2026-01-01T00:00:00Z', End: true } } }, /state "W" needs exactly one of Seconds, Timestamp, SecondsPath or TimestampPath \(got Seconds, Timestamp\)/);
    rejects({ StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: 'tomorrow', End: true } } }, /state "W".Timestamp must be an RFC 3339 timestamp/);
    rejects({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'add', End: true, Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] } } }, /"States.ALL" must stand alone, in the last retrier/);
    rejects({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'add', End: true, Retry: [{ ErrorEquals: ['X'], BackoffRate: 0.5 }] } } }, /Retry\[0\].BackoffRate must be a number, 1.0 or more/);
    rejects({ StartAt: 'A', States: { A: { Type: 'Pass', End: true, InputPath: '$.items[*]' } } }, /state "A".InputPath: "\$.items\[\*\]" is not a supported path/);
    rejects({ StartAt: 'A', States: { A: { Type: 'Pass', End: true, Parameters: { 'x.$': 'States.Format(\'{}\', $.a)' } } } }, /intrinsic functions \(States.Format\) are not supported/);
    rejects({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'add', End: true, TimeoutSeconds: 5 } } }, /state "T": field "TimeoutSeconds" is not supported on a Task state/);
    rejects({ StartAt: 'A', States: { A: { Type: 'Pass' } } }, /state "A" needs exactly one of "Next" \(the state that follows\) or "End": true/);
  });

  it('refuses a state no path reaches', () => {
    rejects({ StartAt: 'A', States: { A: pass, B: pass } }, /state "B" is never reached from StartAt "A": lead to it with a Next, or remove it/);
  });

  it('accepts the whole subset, typed', () => {
    const definition = parseStateMachine({
      StartAt: 'Start',
      States: {
        Start: { Type: 'Pass', Result: { items: [1, 2] }, ResultPath: '$.data', Next: 'Fan' },
        Fan: { Type: 'Map', ItemsPath: '$.data.items', MaxConcurrency: 2, ItemProcessor: { StartAt: 'Add', States: { Add: { Type: 'Task', Resource: 'add', End: true } } }, Next: 'Both' },
        Both: { Type: 'Parallel', Branches: [{ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 0, End: true } } }], Next: 'Pick' },
        Pick: { Type: 'Choice', Choices: [{ And: [{ Variable: '$[0]', IsPresent: true }, { Not: { Variable: '$[0]', IsNull: true } }], Next: 'Done' }], Default: 'Bad' },
        Done: { Type: 'Succeed' },
        Bad: { Type: 'Fail', Error: 'Nope', Cause: 'no items' },
      },
    }, ['add']);
    assert.equal(definition.StartAt, 'Start');
  });
});
