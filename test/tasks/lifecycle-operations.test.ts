import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmbeddedWorkflows, LifecycleWorker, makeEvent, TaskWorker, Workflows, WorkflowStateError, type FlowGraph } from '../../flows/index.js';
import { MemoryWorkspaceStore } from '../../stores/index.js';
import { chain, eventually, settled } from './helpers.js';
import { testKinds } from './kinds.js';

const slowChain = (n: number): FlowGraph => ({ ...chain(n, 'work'), nodes: chain(n, 'work').nodes.map((node) => ({ ...node, parameters: { ms: 30 } })) });

describe('workflow lifecycle: pause, resume, terminate, restart, archive, restore', () => {
  it('pauses (running tasks finish, nothing new starts), resumes from there, and finishes', async () => {
    const service = await EmbeddedWorkflows.start({ kinds: testKinds });
    await service.start(slowChain(4), {}, { id: 'p' });
    assert.equal((await service.pause('p')).state, 'paused');
    await eventually(async () => (await service.inspect('p'))!.tasks[0]!.state === 'succeeded', 'the running task finished');
    const paused = (await service.inspect('p'))!;
    assert.equal(paused.state, 'paused');
    assert.deepEqual(paused.tasks.map((t) => t.state), ['succeeded', 'pending', 'pending', 'pending'], 'nothing started while paused');
    await assert.rejects(service.pause('p'), (error: Error) => error instanceof WorkflowStateError && /it is paused/.test(error.message));
    assert.equal((await service.resume('p')).state, 'running');
    assert.equal((await settled(service, 'p')).state, 'finished');
    await service.close();
  });

  it('terminates: a waiting task ends at once, the workflow is terminated and cannot be resumed', async () => {
    const service = await EmbeddedWorkflows.start({ kinds: testKinds });
    const graph: FlowGraph = { name: 'long-wait', nodes: [{ id: 'W', name: 'wait:delay', parameters: { seconds: 3600 } }], edges: [{ from: '$start', to: 'W' }, { from: 'W', to: '$end' }] };
    await service.start(graph, {}, { id: 't' });
    assert.equal((await service.terminate('t')).state, 'terminated');
    const detail = (await service.inspect('t'))!;
    assert.equal(detail.tasks[0]!.state, 'failed');
    assert.match(detail.tasks[0]!.error!.message, /terminated/);
    await assert.rejects(service.resume('t'), WorkflowStateError);
    await service.close();
  });

  it('restarts a failed workflow from its failed task: finished tasks keep their outputs, the failed one counts another attempt', async () => {
    let failing = true;
    const kinds = { ...testKinds, flaky: { run: () => { if (failing) throw new Error('not yet'); return { ok: true }; } } };
    const service = await EmbeddedWorkflows.start({ kinds });
    const graph: FlowGraph = { name: 'flaky', nodes: [{ id: 'A', name: 'add' }, { id: 'B', name: 'flaky' }], edges: [{ from: '$start', to: 'A' }, { from: 'A', to: 'B' }, { from: 'B', to: '$end' }] };
    await service.start(graph, { n: 1 }, { id: 'r' });
    const failed = await settled(service, 'r');
    assert.equal(failed.state, 'failed');
    assert.match(failed.error!.message, /task "B" \(flaky\) failed: .*not yet/);
    failing = false;
    assert.equal((await service.restart('r')).state, 'running');
    const done = await settled(service, 'r');
    assert.equal(done.state, 'finished');
    const [a, b] = done.tasks;
    assert.deepEqual([a!.attempt, a!.output], [1, { n: 2 }], 'A did not run again');
    assert.deepEqual([b!.attempt, b!.output], [2, { ok: true }]);
    await assert.rejects(service.restart('r'), /it is finished/);
    await service.close();
  });

  it('archives an ended workflow out of the list and restores it; a running one cannot be archived', async () => {
    const service = await EmbeddedWorkflows.start({ kinds: testKinds });
    await service.start(chain(1, 'add'), {}, { id: 'a' });
    await settled(service, 'a');
    assert.equal((await service.archive('a')).archived, true);
    assert.deepEqual(await service.list(), []);
    assert.deepEqual((await service.list({ archived: true })).map((w) => w.id), ['a']);
    await service.restore('a');
    assert.deepEqual((await service.list()).map((w) => w.id), ['a']);
    await service.start(slowChain(3), {}, { id: 'busy' });
    await assert.rejects(service.archive('busy'), (error: Error) => error instanceof WorkflowStateError && /terminate it first/.test(error.message));
    await assert.rejects(service.pause('nope'), /there is no workflow "nope"/);
    await service.close();
  });

  it('fails a task whose kind no worker has ever read, when the service does not know its kinds', async () => {
    const store = new MemoryWorkspaceStore();
    const service = await Workflows.open({ store });
    const lifecycle = await LifecycleWorker.start({ store });
    const worker = await TaskWorker.start({ store, kinds: { add: testKinds.add } });
    const graph: FlowGraph = { name: 'orphan', nodes: [{ id: 'A', name: 'add' }, { id: 'X', name: 'nobody' }], edges: [{ from: '$start', to: 'A' }, { from: 'A', to: 'X' }] };
    await service.start(graph, {}, { id: 'o' });
    const detail = await settled(service, 'o');
    assert.equal(detail.state, 'failed');
    assert.match(detail.tasks[1]!.error!.message, /no task worker has ever taken kind "nobody".*falco worker --kinds nobody/);
    await Promise.all([worker.stop(), lifecycle.stop(), service.close()]);
    await store.close();
  });
});

describe('bad input to the lifecycle: each dead-lettered with its reason, the others unaffected', () => {
  it('an end-task for an unknown workflow, an unknown task, a finished task, a malformed end-task and a foreign stream entry', async () => {
    const store = new MemoryWorkspaceStore();
    const service = await EmbeddedWorkflows.start({ store, kinds: testKinds });
    await service.start(chain(2, 'add'), { n: 0 }, { id: 'ok' });
    assert.equal((await settled(service, 'ok')).state, 'finished');
    const end = (id: string, data: object) => makeEvent({ id, source: 'test', type: 'falco.task.end', data });
    const events = store.events('falco-workflows');
    await events.publish([
      end('no-workflow', { workflow: 'ghost', node: 'T1', dispatch: 1, status: 'succeeded' }),
      end('no-task', { workflow: 'ok', node: 'T9', dispatch: 1, status: 'succeeded' }),
      end('finished-task', { workflow: 'ok', node: 'T1', dispatch: 1, status: 'succeeded', output: { n: 99 } }),
      end('malformed', { workflow: 'ok', status: 'maybe' }),
    ]);
    await service.start(chain(2, 'add'), { n: 10 }, { id: 'after' });
    const after = await settled(service, 'after');
    assert.deepEqual(after.output, { n: 12 }, 'a workflow started after the bad events runs as usual');
    await eventually(async () => (await events.deadLetters()).length >= 4, 'four dead letters');
    const reasons = Object.fromEntries((await events.deadLetters()).map((d) => [d.fields.id, d.reason]));
    assert.match(reasons['no-workflow']!, /workflow "ghost", and there is no such workflow/);
    assert.match(reasons['no-task']!, /has no task "T9"/);
    assert.match(reasons['finished-task']!, /is succeeded at dispatch 1.*counts once/);
    assert.match(reasons.malformed!, /malformed end-task "malformed": node: /);
    assert.deepEqual((await service.inspect('ok'))!.tasks[0]!.output, { n: 1 }, 'the finished task kept its output');
    await service.close();
    await store.close();
  });
});
