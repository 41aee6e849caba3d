import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmbeddedWorkflows, FlowGraphError, type WorkflowChange } from '../../flows/index.js';
import { diamond, eventually, settled } from './helpers.js';
import { testKinds } from './kinds.js';

describe('embedded workflow service (memory)', () => {
  it('runs a graph: each output flows into the next task as its input, a merge folds the join; list, inspect and watch see it', async () => {
    const service = await EmbeddedWorkflows.start({ kinds: testKinds, watchPollMs: 20 });
    const changes: WorkflowChange[] = [];
    const unwatch = await service.watch((change) => changes.push(change));
    const started = await service.start(diamond(), { n: 1 }, { id: 'd1' });
    assert.equal(started.state, 'running');
    const detail = await settled(service, 'd1');
    assert.equal(detail.state, 'finished');
    const tasks = Object.fromEntries(detail.tasks.map((t) => [t.node, t]));
    assert.deepEqual(tasks.A!.input, { n: 1 });
    assert.deepEqual(tasks.A!.output, { n: 2 });
    assert.deepEqual(tasks.B!.input, { n: 2 });
    assert.deepEqual(tasks.D!.input, { b: 12, c: 102 }, 'D merges the outputs of B and C');
    assert.deepEqual(detail.output, { b: 12, c: 102 });
    for (const task of detail.tasks) {
      assert.equal(task.state, 'succeeded');
      assert.equal(task.attempt, 1);
      assert.ok(task.startedAt! <= task.endedAt!, `${task.node} has its timings`);
    }
    assert.deepEqual((await service.list()).map((w) => [w.id, w.state]), [['d1', 'finished']]);
    await eventually(() => changes.some((c) => c.kind === 'workflow' && c.workflow.state === 'finished'), 'watch saw the workflow finish');
    assert.ok(changes.some((c) => c.kind === 'task' && c.task.node === 'D' && c.task.state === 'succeeded'), 'watch saw a task end');
    await unwatch();
    await service.close();
  });

  it('refuses at start a graph naming a kind no worker takes, or a broken edge, naming each', async () => {
    const service = await EmbeddedWorkflows.start({ kinds: testKinds });
    const graph = { name: 'bad', nodes: [{ id: 'X', name: 'nobody-takes-this' }], edges: [{ from: '$start', to: 'X' }, { from: 'X', to: 'Y' }] };
    await assert.rejects(service.start(graph), (error: Error) => error instanceof FlowGraphError && /kind "nobody-takes-this", which no worker/.test(error.message) && /ends at "Y"/.test(error.message));
    assert.deepEqual(await service.list(), []);
    await service.close();
  });
});
