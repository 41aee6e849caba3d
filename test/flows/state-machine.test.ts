import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runStateMachine, stateMachine, StateMachineError } from '../../flows/index.js';
import { AbortedError, deployable } from '../../src/index.js';
import { sleeper, suiteLocalPlatform, watched } from './dag-and-state-machine-harness.js';

const square = deployable({ runtime: 'nodejs:20', name: 'square', code: { source: 'function main({ n }) { return { n: n * n }; }' } });
const negate = deployable({ runtime: 'python:3', name: 'negate', code: { source: "def main(args):\n    if args['n'] == 0:\n        raise ValueError('zero has no sign')\n    return {'n': -args['n']}\n" } });

const both = stateMachine({
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Square', States: { Square: { Type: 'Task', Resource: 'square', End: true } } },
        { StartAt: 'Pause', States: { Pause: { Type: 'Wait', SecondsPath: '$.pause', Next: 'Negate' }, Negate: { Type: 'Task', Resource: 'negate', Parameters: { 'n.$': '$.n' }, End: true } } },
      ],
      Catch: [{ ErrorEquals: ['ValueError'], ResultPath: '$.failure', Next: 'Caught' }],
      End: true,
    },
    Caught: { Type: 'Pass', OutputPath: '$.failure.Cause', End: true },
  },
});

describe('runStateMachine on the local platform', () => {
  const localPlatform = suiteLocalPlatform();

  it('runs Parallel branches with a JavaScript and a Python Task and a Wait, and removes its deployments', async () => {
    const platform = watched(localPlatform());
    const result = await runStateMachine<[{ n: number }, { n: number }]>(both, { platform, resources: { square, negate }, input: { n: 7, pause: 0 } });
    assert.deepEqual(result, { status: 'succeeded', runId: result.runId, output: [{ n: 49 }, { n: -7 }] });
    assert.equal(platform.deployed.length, 2);
    assert.deepEqual([...platform.removed].sort(), [...platform.deployed].sort());
  });

  it('catches a Python function\'s ValueError on the Parallel state', async () => {
    const result = await runStateMachine(both, { platform: localPlatform(), resources: { square, negate }, input: { n: 0, pause: 0 } });
    assert.deepEqual(result, { status: 'succeeded', runId: result.runId, output: 'zero has no sign' });
  });

  it('refuses a definition with a Task whose Resource was not given, before deploying anything', async () => {
    const platform = watched(localPlatform());
    await assert.rejects(runStateMachine(both, { platform, resources: { square } }), (error: unknown) => error instanceof StateMachineError && /state "Both\/Branches\[1\]\/Negate": Resource "negate" is not a deployable registered with the run/.test(error.message));
    assert.deepEqual(platform.deployed, []);
    assert.throws(() => stateMachine({ StartAt: 'Nowhere', States: { A: { Type: 'Succeed' } } }), /StartAt "Nowhere" names no state/);
  });

  it('reads a definition from JSON text', async () => {
    const json = '{ "StartAt": "S", "States": { "S": { "Type": "Task", "Resource": "square", "ResultSelector": { "squared.$": "$.n" }, "End": true } } }';
    const result = await runStateMachine(JSON.parse(json), { platform: localPlatform(), resources: { square }, input: { n: 3 } });
    assert.equal(result.status === 'succeeded' && JSON.stringify(result.output), '{"squared":9}');
  });

  it('stops when aborted: rejects with an AbortedError, and removes what it deployed', async () => {
    const controller = new AbortController();
    const platform = watched(localPlatform(), () => setImmediate(() => controller.abort()));
    const definition = { StartAt: 'Sleep', States: { Sleep: { Type: 'Task', Resource: 'slow', End: true } } };
    await assert.rejects(runStateMachine(definition, { platform, resources: { slow: sleeper }, signal: controller.signal }), AbortedError);
    assert.deepEqual(platform.removed, platform.deployed);
  });
});
