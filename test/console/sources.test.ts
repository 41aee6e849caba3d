import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CodeSource, serveWorkflowApi, StateMachineSource, WorkflowApiError, WorkflowClient, Workflows, Workspaces, type WorkflowApi, type WorkflowTask, type WorkflowView } from '../../flows/index.js';
import { createPlatform } from '../../platforms/index.js';
import type { Platform } from '../../src/index.js';
import { openStore, openWorkflowLog, type WorkspaceStore } from '../../stores/index.js';
import type { WorkflowLog } from '../../stores/ports/workflow-log.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { boom, caught, countdown, demo, hourLong, mapped, step, until } from './kinds.js';
import { line } from './workflows.js';
import { openMachineRecords } from '../../flows/console/sources/state-machine-record.js';

const taskOf = (view: WorkflowView | undefined, node: string): WorkflowTask | undefined => view?.tasks.find((task) => task.node === node);

/** State machines and workflows as code through the workflow API, beside the service's graphs, on one store. */
function onBackbone(name: string, url: () => string, skip: string | undefined): void {
  describe(`state machines and workflows as code on the workflow API, ${name} store`, { skip }, () => {
    let platform: Platform;
    let store: WorkspaceStore;
    let log: WorkflowLog;
    let service: Workflows;
    let machines: StateMachineSource;
    let code: CodeSource;
    let api: WorkflowApi;
    let client: WorkflowClient;
    before(async () => {
      platform = await createPlatform('local', { maxInstances: 4 });
      store = await openStore(url());
      log = await openWorkflowLog(url());
      service = await Workflows.open({ store, watchPollMs: 20 });
      machines = await StateMachineSource.open({ store, platform, resources: { step, boom }, watchPollMs: 20 });
      code = new CodeSource({ store, log, platform, workflows: [demo], watchPollMs: 20 });
      api = await serveWorkflowApi({ service, sources: [machines, code] });
      client = new WorkflowClient({ url: api.url });
    });
    after(async () => {
      await client.close();
      await api.close();
      await Promise.all([machines.close(), code.close(), service.close()]);
      await log.close();
      await store.close();
      await platform.close();
    });

    it('runs a state machine started from its definition: its states as a graph with the loop, each state\'s last entry and count', async () => {
      const started = await client.startStateMachine(countdown, { n: 3 }, { id: `countdown-${name}` });
      assert.equal(started.kind, 'state-machine');
      assert.equal(started.state, 'running');
      const done = await until('the countdown finished', async () => {
        const view = await client.inspect(started.id);
        return view?.state === 'finished' && view;
      });
      assert.equal(done.kind, 'state-machine');
      assert.deepEqual(done.output, { n: 0 });
      assert.deepEqual(done.graph.nodes.map((node) => [node.id, node.name]), [['Check', 'Choice'], ['Step', 'Task step'], ['Done', 'Succeed']]);
      for (const edge of [{ from: '$start', to: 'Check' }, { from: 'Check', to: 'Step' }, { from: 'Check', to: 'Done' }, { from: 'Step', to: 'Check' }, { from: 'Done', to: '$end' }]) {
        assert.ok(done.graph.edges.some((e) => e.from === edge.from && e.to === edge.to), `edge ${edge.from} → ${edge.to}`);
      }
      const check = taskOf(done, 'Check')!;
      const stepped = taskOf(done, 'Step')!;
      assert.deepEqual([check.state, check.entries, check.input, check.output], ['succeeded', 4, { n: 0 }, { n: 0 }]);
      assert.deepEqual([stepped.state, stepped.entries, stepped.attempt, stepped.input, stepped.output], ['succeeded', 3, 1, { n: 1 }, { n: 0 }]);
      assert.ok(stepped.startedAt! <= stepped.endedAt! && stepped.endedAt! <= done.endedAt!, 'timings in order');
      assert.equal(taskOf(done, 'Done')?.state, 'succeeded');
      assert.ok((await client.list()).some((listed) => listed.id === started.id && listed.kind === 'state-machine' && listed.state === 'finished'));
      // The host records the end, then removes the run's workspace.
      await until('the run\'s workspace is gone once it ended', async () => !(await store.listWorkspaces()).includes(started.id));
    });

    it('removes the workspace of a run whose end a host recorded but stopped before removing it', async () => {
      const started = await client.startStateMachine(countdown, { n: 1 }, { id: `left-${name}` });
      await until('the run ended and its workspace is gone', async () => (await client.inspect(started.id))?.state === 'finished' && !(await store.listWorkspaces()).includes(started.id));
      const records = await openMachineRecords(store, undefined);
      const { workspaceRemoved, ...leftBehind } = (await records.get(started.id))!;
      assert.equal(workspaceRemoved, true, 'the record says its workspace was removed');
      // What a host stopped between the two steps leaves: the end recorded, the workspace still there.
      await store.createWorkspace(started.id);
      await records.put(started.id, leftBehind);
      await until('the host removed the workspace left behind', async () => !(await store.listWorkspaces()).includes(started.id) && (await records.get(started.id))?.workspaceRemoved === true);
      assert.equal((await client.inspect(started.id))?.state, 'finished');
    });

    it('shows a Task that failed into its Catch in red with its error, and the machine finished', async () => {
      const started = await client.startStateMachine(caught, {}, { id: `caught-${name}` });
      const done = await until('the caught machine finished', async () => {
        const view = await client.inspect(started.id);
        return view?.state === 'finished' && view;
      });
      const failed = taskOf(done, 'Boom')!;
      assert.equal(failed.state, 'failed');
      assert.match(failed.error?.message ?? '', /boom went the task/);
      assert.equal(taskOf(done, 'Recovered')?.state, 'succeeded');
      assert.equal(done.output, 'recovered');
    });

    it('shows a Map\'s item processor as states of its own, entered once per item, leading on to the Map\'s Next', async () => {
      const started = await client.startStateMachine(mapped, { items: [5, 6, 7] }, { id: `mapped-${name}` });
      const done = await until('the mapped machine finished', async () => {
        const view = await client.inspect(started.id);
        return view?.state === 'finished' && view;
      });
      assert.deepEqual(done.output, [{ n: 4 }, { n: 5 }, { n: 6 }]);
      assert.deepEqual(done.graph.nodes.map((node) => node.id), ['Each', 'Each/ItemProcessor/Step', 'After']);
      for (const edge of [{ from: 'Each', to: 'Each/ItemProcessor/Step' }, { from: 'Each/ItemProcessor/Step', to: 'After' }, { from: 'Each', to: 'After' }]) {
        assert.ok(done.graph.edges.some((e) => e.from === edge.from && e.to === edge.to), `edge ${edge.from} → ${edge.to}`);
      }
      const inner = taskOf(done, 'Each/ItemProcessor/Step')!;
      assert.deepEqual([inner.state, inner.entries], ['succeeded', 3]);
      const each = taskOf(done, 'Each')!;
      assert.deepEqual([each.state, each.entries, each.output], ['succeeded', 1, [{ n: 4 }, { n: 5 }, { n: 6 }]]);
    });

    it('terminates a running state machine; pause and restart are a 409 saying what it supports; a bad definition is a 400', async () => {
      const started = await client.startStateMachine(hourLong, {}, { id: `hour-${name}` });
      await until('the Wait state is waiting', async () => taskOf(await client.inspect(started.id), 'Hour')?.state === 'waiting');
      await assert.rejects(client.pause(started.id), (error) => error instanceof WorkflowApiError && error.status === 409 && /a state machine cannot be paused: .*terminate it/.test(error.message));
      await assert.rejects(client.restart(started.id), (error) => error instanceof WorkflowApiError && error.status === 409 && /cannot be restarted: start it again/.test(error.message));
      assert.equal((await client.terminate(started.id)).state, 'terminated');
      assert.equal((await client.archive(started.id)).archived, true);
      assert.ok((await client.list({ archived: true })).some((listed) => listed.id === started.id));
      await assert.rejects(client.startStateMachine({ StartAt: 'Nowhere', States: { Here: { Type: 'Pass', End: true } } }), (error) => error instanceof WorkflowApiError && error.status === 400 && /Nowhere/.test(error.message));
      await assert.rejects(client.startStateMachine(countdown, { n: 1 }, { id: started.id }), (error) => error instanceof WorkflowApiError && error.status === 409 && /exists already/.test(error.message));
    });

    it('runs a workflow as code started by name: its calls in log order as tasks, its waits waiting, until the event comes', async () => {
      const started = await client.startWorkflow('demo', { n: 4 }, { id: `demo-${name}` });
      assert.equal(started.kind, 'code');
      const waiting = await until('the run waits for its event', async () => {
        const view = await client.inspect(started.id);
        return taskOf(view, 'E003')?.state === 'waiting' && view;
      });
      assert.deepEqual(waiting.tasks.map((task) => task.node), ['A000', 'M001/0', 'M001/1', 'M001/2', 'S002', 'E003']);
      assert.deepEqual(taskOf(waiting, 'A000')?.output, { square: 16 });
      assert.deepEqual(taskOf(waiting, 'M001/2')?.output, { square: 9 });
      assert.equal(taskOf(waiting, 'S002')?.state, 'succeeded');
      assert.equal(taskOf(waiting, 'E003')?.name, 'waitForEvent');
      assert.ok(waiting.tasks.every((task) => task.attempt === 1 && task.startedAt !== undefined));
      await assert.rejects(client.pause(started.id), (error) => error instanceof WorkflowApiError && error.status === 409 && /a workflow as code cannot be paused: terminate it .*or resume it/.test(error.message));
      await new Workspaces(store).publish(started.id, [{ id: 'go-1', source: 'test', type: 'go', subject: started.id, data: 'now' }]);
      const done = await until('the run finished', async () => {
        const view = await client.inspect(started.id);
        return view?.state === 'finished' && view;
      });
      assert.deepEqual(done.output, { first: 16, sum: 14, go: 'now' });
      assert.equal(taskOf(done, 'E003')?.state, 'succeeded');
      assert.ok((await client.list()).some((listed) => listed.id === started.id && listed.kind === 'code'));
    });

    it('terminates a workflow as code (a cancel); an unknown name is a 400 naming the ones it has', async () => {
      const started = await client.startWorkflow('demo', { n: 1 }, { id: `cancelled-${name}` });
      await until('the run waits for its event', async () => taskOf(await client.inspect(started.id), 'E003')?.state === 'waiting');
      assert.equal((await client.terminate(started.id)).state, 'terminated');
      await assert.rejects(client.resume(started.id), (error) => error instanceof WorkflowApiError && error.status === 409 && /terminated/.test(error.message));
      await assert.rejects(client.startWorkflow('nope'), (error) => error instanceof WorkflowApiError && error.status === 400 && /no workflow as code named "nope": it has "demo"/.test(error.message));
    });

    it('lists the kinds side by side', async () => {
      await client.start(line('graphed', [{ id: 'W.1', name: 'wait:delay', parameters: { seconds: 3600 } }]), {}, { id: `graph-${name}` });
      const kinds = new Set((await client.list()).map((listed) => listed.kind));
      assert.deepEqual([...kinds].sort(), ['code', 'graph', 'state-machine']);
      assert.equal((await client.inspect(`graph-${name}`))?.kind, 'graph');
    });
  });
}

onBackbone('memory', () => 'memory:', undefined);

const noRedis = redisUnavailable();
let redis: RedisServer | undefined;
before(async () => {
  if (!noRedis) redis = await startRedis();
});
after(() => redis?.stop());
onBackbone('Redis', () => redis!.url, noRedis);
