import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { END_TASK, ReceiptLog, START_TASK, taskStream, Workflows, type Receipt } from '../../flows/index.js';
import { RedisWorkspaceStore, workspaceKey } from '../../stores/redis/index.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { suiteRedis } from '../stores/suite-redis.js';
import { eventually, layered, settled } from './helpers.js';
import { startFalco, type FalcoProcess } from './processes.js';

const KINDS_MODULE = fileURLToPath(new URL('./kinds.js', import.meta.url));
const WORKSPACE = 'falco-workflows';
/** Longer than a client's reconnects last (about 11 s), as a restart replaying a large append-only file can be: the processes' reopens fail too. */
const LONG_OUTAGE_MS = 13_000;

describe('distributed workflows on Redis, several OS processes', { skip: redisUnavailable() }, () => {
  const redis = suiteRedis();
  const dir = suiteTempDir('falco-tasks-');

  it('3 task workers and 2 lifecycle workers run 50 workflows of 20 tasks; 2 workers SIGKILLed mid-task: every task ends once, receipts archived, streams trimmed', async () => {
    const url = redis.server().url;
    const client = redis.client();
    const worker = (name: string) => startFalco(name, ['worker', '--kinds', 'work', '--tasks', KINDS_MODULE, '--store', url, '--consumer', name, '--visibility-timeout', '1000', '--concurrency', '4']);
    const lifecycle = (name: string) => startFalco(name, ['lifecycle', '--store', url, '--consumer', name]);
    const processes: FalcoProcess[] = await Promise.all([worker('w1'), worker('w2'), worker('w3'), lifecycle('l1'), lifecycle('l2')]);
    const store = new RedisWorkspaceStore({ url });
    const receipts = join(dir(), 'receipts.jsonl');
    const log = await ReceiptLog.start({ store, path: receipts });
    const service = await Workflows.open({ store });
    const taskKey = workspaceKey(WORKSPACE, 'stream', taskStream('work'));
    const holds = async (consumer: string) => {
      const pending = await client.sendCommand<unknown[]>(['XPENDING', taskKey, 'falco-tasks', '-', '+', '10', consumer]).catch(() => []);
      return pending.length > 0;
    };
    try {
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) ids.push((await service.start(layered(), { i }, { id: `wf-${i}` })).id);
      // Two workers die while they hold tasks; two new ones (other names) take over what they held after the visibility timeout.
      for (const victim of ['w1', 'w2']) {
        await eventually(() => holds(victim), `${victim} holds a task`);
        await processes.find((p) => p.name === victim)!.kill();
      }
      processes.push(await worker('w4'), await worker('w5'));
      for (const id of ids) {
        const detail = await settled(service, id, ['finished', 'failed', 'terminated'], 120_000);
        assert.equal(detail.state, 'finished', `${id}: ${JSON.stringify(detail.error)}`);
        assert.equal(detail.tasks.length, 20);
        for (const task of detail.tasks) assert.equal(task.state, 'succeeded', `${id}/${task.node}`);
      }
      const all = (await Promise.all(ids.map((id) => service.inspect(id)))).flatMap((d) => d!.tasks);
      assert.ok(all.some((task) => task.attempt > 1), 'the killed workers\' tasks ran again, and count as attempts');
      await eventually(async () => {
        const lines = readFileSync(receipts, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Receipt);
        return lines.filter((r) => r.type === END_TASK && r.outcome === 'accepted').length >= 1000;
      }, 'the receipt log archived every accepted end-task');
      const lines = readFileSync(receipts, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Receipt);
      const accepted = new Map<string, number>();
      for (const receipt of lines.filter((r) => r.type === END_TASK && r.outcome === 'accepted')) accepted.set(receipt.event, (accepted.get(receipt.event) ?? 0) + 1);
      assert.equal(accepted.size, 1000, 'one accepted end-task per task');
      assert.ok([...accepted.values()].every((n) => n === 1), 'no end-task was accepted twice');
      assert.ok(lines.some((r) => r.type === START_TASK), 'workers send receipts too');
      await eventually(async () => (await store.events(WORKSPACE).info()).length === 0 && (await store.stream(WORKSPACE, taskStream('work')).info()).length === 0, 'the event and task streams are trimmed to nothing');
    } finally {
      await Promise.all(processes.map((p) => p.stop().catch(() => p.kill())));
      await log.stop();
      await service.close();
      await store.close();
    }
  });

  it('Redis SIGKILLed mid-run and restarted from its append-only file after an outage longer than the reconnects: nothing is lost, every workflow finishes, each task once', async () => {
    const server = redis.server();
    const workspace = 'aof';
    const args = ['--store', server.url, '--workspace', workspace];
    const processes: FalcoProcess[] = await Promise.all([
      startFalco('a1', ['worker', '--kinds', 'work', '--tasks', KINDS_MODULE, ...args, '--consumer', 'a1', '--visibility-timeout', '1000']),
      startFalco('a2', ['worker', '--kinds', 'work', '--tasks', KINDS_MODULE, ...args, '--consumer', 'a2', '--visibility-timeout', '1000']),
      startFalco('al', ['lifecycle', ...args, '--consumer', 'al']),
    ]);
    let store = new RedisWorkspaceStore({ url: server.url });
    try {
      let service = await Workflows.open({ store, workspace });
      const graph = { ...layered('work', 2, 5), name: 'aof' };
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await service.start(graph, { i }, { id: `aof-${i}` })).id);
      await eventually(async () => (await service.inspect(ids[0]!))!.tasks.some((t) => t.state === 'succeeded'), 'some task ended before the crash');
      await service.close();
      await store.close();
      await server.kill();
      await sleep(LONG_OUTAGE_MS);
      await server.restart();
      store = new RedisWorkspaceStore({ url: server.url });
      service = await Workflows.open({ store, workspace });
      for (const id of ids) {
        const detail = await settled(service, id, ['finished', 'failed', 'terminated'], 120_000);
        assert.equal(detail.state, 'finished', `${id}: ${JSON.stringify(detail.error)}`);
        for (const task of detail.tasks) assert.equal(task.state, 'succeeded');
      }
      await service.close();
    } finally {
      await Promise.all(processes.map((p) => p.stop().catch(() => p.kill())));
      await store.close();
    }
  });
});
