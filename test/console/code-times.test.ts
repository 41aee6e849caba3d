import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CodeSource, defineWorkflow, runCodeWorkflow, WorkflowWorker, Workspaces, type WorkflowView } from '../../flows/index.js';
import { createPlatform } from '../../platforms/index.js';
import type { Platform } from '../../src/index.js';
import { MemoryWorkflowLog, MemoryWorkspaceStore } from '../../stores/index.js';
import type { LogRecord } from '../../stores/ports/workflow-log.js';
import { square } from '../flows/code/functions.js';
import { until, waiting } from './kinds.js';

const SLEEP_MS = 200;

/** A call, a sleep, a call. */
const timed = defineWorkflow('timed', async (ctx, input: { n: number }) => {
  const before = await ctx.callAsync(square, { n: input.n }).result();
  await ctx.sleep(SLEEP_MS);
  const after = await ctx.callAsync(square, { n: before.square }).result();
  return after.square;
});

const atOf = (records: readonly LogRecord[], kind: string, key: string, value: string): number | undefined => records.find((record) => record.kind === kind && record[key] === value)?.at as number | undefined;
const taskOf = (view: WorkflowView | undefined, node: string) => view?.tasks.find((task) => task.node === node);

describe('a workflow as code shows the times its log keeps', () => {
  let platform: Platform;
  before(async () => {
    platform = await createPlatform('local');
  });
  after(async () => {
    await platform.close();
  });

  it('to a console that starts after the run finished: when each call was made and each result came, from the log', async () => {
    const store = new MemoryWorkspaceStore();
    const log = new MemoryWorkflowLog();
    const outcome = await runCodeWorkflow(timed, { n: 3 }, { platform, store, log, runId: 'timed-1' });
    assert.equal(outcome.status, 'succeeded');
    const records = await log.read('timed-1');
    assert.ok(records.every((record) => typeof record.at === 'number'), 'every record has its time');
    const code = new CodeSource({ store, log, platform, workflows: [timed] });
    try {
      const view = (await code.inspect('timed-1'))!;
      assert.equal(view.state, 'finished');
      assert.equal(view.createdAt, records.find((record) => record.kind === 'started')!.at);
      assert.equal(view.endedAt, records.find((record) => record.kind === 'finished')!.at);
      for (const [node, slot] of [['A000', 'A000/0'], ['S001', 'S001/0'], ['A002', 'A002/0']] as const) {
        const task = taskOf(view, node)!;
        assert.equal(task.startedAt, atOf(records, 'call', 'position', node), `${node} started when its call was logged`);
        assert.equal(task.endedAt, atOf(records, 'result', 'slot', slot), `${node} ended when its result was logged`);
      }
      const slept = taskOf(view, 'S001')!;
      assert.ok(slept.endedAt! - slept.startedAt! >= SLEEP_MS, `the sleep shows the ${SLEEP_MS} ms it slept`);
      assert.ok(taskOf(view, 'A000')!.endedAt! <= slept.startedAt! && slept.endedAt! <= taskOf(view, 'A002')!.startedAt!, 'in order');
    } finally {
      await code.close();
    }
  });

  it('keeps the times through a replay: a run suspended and hosted again shows its first call when it was first made', async () => {
    const store = new MemoryWorkspaceStore();
    const log = new MemoryWorkflowLog();
    const first = new WorkflowWorker({ store, log, platform, workflows: [waiting] });
    await first.start(waiting, undefined, { runId: 'waiting-1' });
    await until('the run waits for its event', async () => (await log.read('waiting-1')).some((record) => record.kind === 'call' && record.op === 'event'));
    const before = await log.read('waiting-1');
    await first.stop();
    const second = new WorkflowWorker({ store, log, platform, workflows: [waiting] });
    const resumed = await second.resume('waiting-1');
    await new Workspaces(store).publish('waiting-1', [{ id: 'go-1', source: 'test', type: 'go', subject: 'waiting-1', data: 'now' }]);
    assert.equal((await resumed.outcome).status, 'succeeded');
    const records = await log.read('waiting-1');
    assert.deepEqual(records.slice(0, before.length), before, 'the replay appended after what was logged, and changed none of it');
    const code = new CodeSource({ store, log, platform, workflows: [waiting] });
    try {
      const view = (await code.inspect('waiting-1'))!;
      assert.equal(taskOf(view, 'A000')!.startedAt, atOf(before, 'call', 'position', 'A000'));
      assert.equal(taskOf(view, 'E001')!.startedAt, atOf(before, 'call', 'position', 'E001'));
      assert.equal(taskOf(view, 'E001')!.endedAt, atOf(records, 'result', 'slot', 'E001/0'));
    } finally {
      await Promise.all([code.close(), second.stop()]);
    }
  });

  it('still reads a log written before records had times: those times are when this console first saw them', async () => {
    const store = new MemoryWorkspaceStore();
    const log = new MemoryWorkflowLog();
    await runCodeWorkflow(timed, { n: 2 }, { platform, store, log, runId: 'timed-new' });
    const untimed = (await log.read('timed-new')).map(({ at: _at, ...record }) => record);
    await log.append('timed-old', untimed);
    const code = new CodeSource({ store, log, platform, workflows: [timed] });
    try {
      const view = (await code.inspect('timed-old'))!;
      assert.equal(view.state, 'finished');
      assert.deepEqual(view.output, 16);
      assert.ok(view.tasks.every((task) => task.state === 'succeeded' && typeof task.startedAt === 'number' && typeof task.endedAt === 'number'));
    } finally {
      await code.close();
    }
  });
});
