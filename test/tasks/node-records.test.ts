import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LifecycleWorker, makeEvent, TaskWorker, Workflows, type FlowGraph, type WorkflowChange } from '../../flows/index.js';
import { WorkflowRun } from '../../flows/tasks/advance.js';
import { endTaskEvent } from '../../flows/tasks/events.js';
import { transact, Transaction } from '../../flows/tasks/transaction.js';
import { CheckpointConflictError, MemoryWorkspaceStore, type Checkpoint, type TriggerRecord } from '../../stores/index.js';
import { chain, diamond, eventually, settled } from './helpers.js';
import { testKinds } from './kinds.js';

const WS = 'falco-workflows';

/** A memory store that keeps what it was asked: each checkpoint, and the ids every read named. */
class RecordingStore extends MemoryWorkspaceStore {
  readonly commits: Checkpoint[] = [];
  readonly reads: string[] = [];
  /** Runs once, before the next checkpoint that acknowledges lifecycle entries is written. */
  beforeEndCommit: (() => Promise<void>) | undefined;

  override async commit(workspace: string, checkpoint: Checkpoint): Promise<void> {
    const before = (checkpoint.ack?.entryIds.length ?? 0) > 0 ? this.beforeEndCommit : undefined;
    if (before) {
      this.beforeEndCommit = undefined;
      await before();
    }
    this.commits.push(structuredClone(checkpoint));
    return super.commit(workspace, checkpoint);
  }

  override async getTrigger(workspace: string, id: string): Promise<TriggerRecord | undefined> {
    this.reads.push(id);
    return super.getTrigger(workspace, id);
  }

  override async getTriggers(workspace: string, ids: readonly string[]): Promise<Array<TriggerRecord | undefined>> {
    this.reads.push(...ids);
    return super.getTriggers(workspace, ids);
  }

  override async listTriggers(workspace: string, options: { readonly prefix?: string } = {}): Promise<TriggerRecord[]> {
    this.reads.push(`${options.prefix ?? ''}*`);
    return super.listTriggers(workspace, options);
  }
}

/** Runs `body` on the service on `store`, with (when `work`) a lifecycle and a task worker beside it; closes them all, also when it fails. */
async function withService(store: RecordingStore, work: boolean, body: (service: Workflows) => Promise<void>): Promise<void> {
  const { service, close } = await open(store, work);
  try {
    await body(service);
  } finally {
    await close();
  }
}

async function open(store: RecordingStore, work: boolean) {
  const service = await Workflows.open({ store, watchPollMs: 10 });
  const workers = work ? [await LifecycleWorker.start({ store, blockMs: 10 }), await TaskWorker.start({ store, kinds: testKinds, blockMs: 10 })] : [];
  // A worker has read the kind's stream: a start-task for it waits there, and does not fail as untaken.
  if (!work) for (const kind of ['add', 'collect']) await (await store.stream(WS, `tasks:${kind}`).consumer('falco-tasks', 'nobody')).close();
  return {
    service,
    close: async () => {
      await Promise.all([service.close(), ...workers.map((worker) => worker.stop())]);
      await store.close();
    },
  };
}

/** Ends the running task `node` of `workflow` as a lifecycle worker would, in `tx`. */
async function end(tx: Transaction, workflow: string, node: string): Promise<void> {
  const record = (await tx.workflow(workflow))!;
  const problem = new WorkflowRun(record, tx, tx.now).end({ workflow, node, dispatch: record.nodes[node]!.dispatch, status: 'succeeded', output: { n: 1 } });
  assert.equal(problem, undefined);
}

describe('workflow records: a header, and a record per node', () => {
  it('a task end reads only the tasks it may touch and writes only those it changed, so what a step costs does not grow with the chain', async () => {
    const store = new RecordingStore();
    await withService(store, true, async (service) => {
      await service.start(chain(40, 'add'), { n: 0 }, { id: 'long' });
      assert.deepEqual((await settled(service, 'long')).output, { n: 40 });
      const ends = store.commits.filter((checkpoint) => (checkpoint.ack?.entryIds.length ?? 0) > 0 && checkpoint.triggers.length > 0);
      assert.equal(ends.length, 40, 'one checkpoint per task end');
      for (const [index, checkpoint] of ends.entries()) {
        const written = checkpoint.triggers.map((record) => record.spec.id);
        const last: boolean = index === ends.length - 1;
        // The end of T<i> writes T<i>, the T<i+1> it starts and the tasks out; the last end writes the finished header instead of a next task.
        assert.deepEqual(written.sort(), (last ? ['workflow-task:long/T40', 'workflow:long'] : [`workflow-task:long/T${index + 1}`, `workflow-task:long/T${index + 2}`]).concat('workflow-out:long').sort());
        const read = Object.keys(checkpoint.expect ?? {}).filter((id) => id.startsWith('workflow-task:'));
        assert.ok(read.length <= 3, `end ${index + 1} read ${read.length} tasks: the one that ended, the next, and the last (whose output is the workflow's)`);
        const nodeBytes = JSON.stringify(checkpoint.triggers.filter((record) => record.spec.id.startsWith('workflow-task:'))).length;
        assert.ok(nodeBytes < 1_000, `end ${index + 1} writes ${nodeBytes} bytes of node records`);
      }
    });
  });

  it('two ends of one workflow at once: the later commit conflicts and redoes, so the join starts once and the workflow finishes', async () => {
    const store = new RecordingStore();
    await withService(store, false, async (service) => {
      await service.start(diamond(), { n: 0 }, { id: 'd' });
      await transact(store, WS, (tx) => end(tx, 'd', 'A'));
      const first = new Transaction(store, WS);
      const second = new Transaction(store, WS);
      await end(first, 'd', 'B');
      await end(second, 'd', 'C');
      await first.commit();
      await assert.rejects(second.commit(), CheckpointConflictError, 'C\'s end read B running: it may not go on as if it still were');
      await transact(store, WS, (tx) => end(tx, 'd', 'C'));
      const joined = (await service.inspect('d'))!.tasks.find((task) => task.node === 'D')!;
      assert.deepEqual([joined.state, joined.attempt], ['running', 1], 'the join started once, on both ends');
      await transact(store, WS, (tx) => end(tx, 'd', 'D'));
      assert.equal((await service.inspect('d'))!.state, 'finished');
    });
  });

  it('a step that reaches a task its end did not read is redone on every task of the workflow', async () => {
    const store = new RecordingStore();
    await withService(store, false, async (service) => {
      await service.start(diamond(), { n: 0 }, { id: 'r' });
      let tries = 0;
      const { result } = await transact(store, WS, async (tx) => {
        tries++;
        // An end of D reads D alone (nothing follows it, and its output is the workflow's): A is out of its reach.
        const record = (await tx.workflowAround('r', ['D']))!;
        return record.nodes.A!.state;
      });
      assert.deepEqual([result, tries], ['running', 2]);
    });
  });

  it('two ends of one workflow in one lifecycle batch read together what both reach, not every task of the workflow', async () => {
    const store = new RecordingStore();
    // Three chains into a join: what an end of A1 reaches (A2, and the join whose output is the workflow's) leaves out B1, and neither end reaches C1 or C2.
    const threeChains: FlowGraph = {
      name: 'three-chains',
      nodes: [...['A1', 'A2', 'B1', 'B2', 'C1', 'C2'].map((id) => ({ id, name: 'add' })), { id: 'J', name: 'collect', merge: true }],
      edges: [
        ...['A', 'B', 'C'].flatMap((chain) => [
          { from: '$start', to: `${chain}1` },
          { from: `${chain}1`, to: `${chain}2` },
          { from: `${chain}2`, to: 'J' },
        ]),
        { from: 'J', to: '$end' },
      ],
    };
    await withService(store, false, async (service) => {
      await service.start(threeChains, { n: 0 }, { id: 'p' });
      const record = (await new Transaction(store, WS).workflow('p'))!;
      const ends = ['A1', 'B1'].map((node) => endTaskEvent({ workflow: 'p', node, dispatch: record.nodes[node]!.dispatch, status: 'succeeded', output: { n: 1 } }));
      await store.events(WS).publish(ends);
      const lifecycle = await LifecycleWorker.start({ store, blockMs: 10 });
      try {
        await eventually(async () => (await service.inspect('p'))!.tasks.filter((task) => task.state === 'running').length === 3, 'A2 and B2 started');
      } finally {
        await lifecycle.stop();
      }
      const batches = store.commits.filter((checkpoint) => (checkpoint.ack?.entryIds.length ?? 0) > 0);
      const tasksRead = Object.keys(batches[0]?.expect ?? {}).filter((id) => id.startsWith('workflow-task:'));
      assert.deepEqual(tasksRead.sort(), ['A1', 'A2', 'B1', 'B2', 'J'].map((node) => `workflow-task:p/${node}`), 'one read of what the two ends reach: the C chain is never read');
      assert.deepEqual(batches.map((checkpoint) => checkpoint.ack!.entryIds.length), [2], 'both ends in one batch');
    });
  });

  it('a pause racing a task end: the end redoes on the paused workflow, and the next task waits for the resume', async () => {
    const store = new RecordingStore();
    await withService(store, true, async (service) => {
      store.beforeEndCommit = async () => {
        await service.pause('p');
      };
      await service.start(chain(2, 'add'), { n: 0 }, { id: 'p' });
      await eventually(async () => (await service.inspect('p'))!.tasks[0]!.state === 'succeeded', 'T1 ended');
      const paused = (await service.inspect('p'))!;
      assert.equal(paused.state, 'paused');
      assert.equal(paused.tasks[1]!.state, 'pending', 'T2 did not start on a paused workflow');
      await service.resume('p');
      assert.deepEqual((await settled(service, 'p')).output, { n: 2 });
    });
  });

  it('list reads the headers only; inspect reads one workflow\'s header and nodes', async () => {
    const store = new RecordingStore();
    await withService(store, true, async (service) => {
      for (const id of ['a', 'b']) await settled(service, (await service.start(chain(3, 'add'), {}, { id })).id);
      store.reads.length = 0;
      assert.deepEqual((await service.list()).map((w) => w.id), ['a', 'b']);
      assert.deepEqual(store.reads, ['workflow:*']);
      store.reads.length = 0;
      assert.equal((await service.inspect('b'))!.tasks.length, 3);
      assert.deepEqual(store.reads, ['workflow:b', 'workflow-out:b', 'workflow-task:b/T1', 'workflow-task:b/T2', 'workflow-task:b/T3']);
    });
  });

  it('a watch reads only the records that changed: a finished workflow costs it nothing, a running one tells each change', async () => {
    const store = new RecordingStore();
    await withService(store, true, async (service) => {
      await settled(service, (await service.start(chain(3, 'add'), {}, { id: 'done' })).id);
      const changes: WorkflowChange[] = [];
      const unwatch = await service.watch((change) => changes.push(change));
      store.reads.length = 0;
      await service.start(chain(2, 'add'), {}, { id: 'live' });
      await settled(service, 'live');
      await eventually(() => changes.some((c) => c.kind === 'workflow' && c.workflow.id === 'live' && c.workflow.state === 'finished'), 'the watch saw live finish');
      await unwatch();
      assert.deepEqual(store.reads.filter((id) => id.includes('done') || id.endsWith('*')), [], 'the watch read no record of the finished workflow, and listed nothing');
      assert.ok(changes.some((c) => c.kind === 'task' && c.workflow === 'live' && c.task.node === 'T2' && c.task.state === 'succeeded'));
      assert.ok(changes.every((c) => (c.kind === 'task' ? c.workflow : c.workflow.id) === 'live'));
    });
  });
});

describe('a wait:event among many workflows', () => {
  it('an event reads the nodes of the workflows that wait for its type only', async () => {
    const store = new RecordingStore();
    await withService(store, true, async (service) => {
      const waiting: FlowGraph = { name: 'waits', nodes: [{ id: 'W', name: 'wait:event', parameters: { type: 'com.example.go' } }], edges: [{ from: '$start', to: 'W' }, { from: 'W', to: '$end' }] };
      await settled(service, (await service.start(chain(2, 'add'), {}, { id: 'other' })).id);
      await service.start(waiting, {}, { id: 'waiter' });
      store.reads.length = 0;
      await store.events(WS).publish([makeEvent({ id: 'go-1', source: 'test', type: 'com.example.go', data: {} })]);
      assert.equal((await settled(service, 'waiter')).state, 'finished');
      assert.deepEqual(store.reads.filter((id) => id === '*' || id.startsWith('workflow-task:other/')), [], 'no node of the workflow that waits for nothing, and no list of every record');
    });
  });
});
