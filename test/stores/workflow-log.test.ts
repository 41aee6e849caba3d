import assert from 'node:assert/strict';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileWorkflowLog, MemoryWorkflowLog, type WorkflowLog } from '../../stores/index.js';
import { RedisWorkflowLog } from '../../stores/redis/index.js';
import { redisUnavailable, startRedis } from '../helpers/redis-server.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

const started = { kind: 'started', workflow: 'w', input: { n: 1 } };
const results = Array.from({ length: 3 }, (_, i) => ({ kind: 'result', slot: `M001/${i}`, epoch: 0, ok: true, output: { i } }));

/** The contract every workflow log keeps. */
async function contract(open: () => Promise<WorkflowLog> | WorkflowLog): Promise<void> {
  const log = await open();
  let kept = 0;
  try {
    assert.deepEqual(await log.read('nothing'), [], 'a run never written has no records');
    await log.append('run-1', [started]);
    await log.append('run-1', results);
    await log.append('run-2', [started]);
    await log.append('run-1', []);
    assert.deepEqual(await log.read('run-1'), [started, ...results], 'records come back in the order appended');
    assert.deepEqual(await log.list(), ['run-1', 'run-2']);
    if (log.sizes && log.readFrom) {
      assert.deepEqual([...(await log.sizes())].sort(), [['run-1', 4], ['run-2', 1]], 'each run\'s record count, in one read');
      assert.deepEqual(await log.readFrom('run-1', 2), results.slice(1), 'the records after the first two');
      assert.deepEqual(await log.readFrom('run-1', 4), [], 'none after the last');
      await log.append('run-1', [started]);
      assert.equal((await log.sizes()).get('run-1'), 5, 'a grown log counts again');
      assert.deepEqual(await log.readFrom('run-1', 4), [started]);
    }
    await log.delete('run-2');
    assert.deepEqual(await log.list(), ['run-1']);
    assert.deepEqual(await log.read('run-2'), []);
    kept = (await log.read('run-1')).length;
  } finally {
    await log.close();
  }
  const again = await open();
  try {
    assert.deepEqual((await again.read('run-1')).length, kept, 'a durable log keeps its records across a reopen');
  } finally {
    await again.close();
  }
}

describe('workflow logs', () => {
  const dir = suiteTempDir('falco-workflow-log-');

  it('memory', async () => {
    // Reopened is the same object: a memory log lives as long as the process (closing it does nothing).
    const log = new MemoryWorkflowLog();
    await contract(() => log);
  });

  it('file', async () => {
    await contract(() => new FileWorkflowLog({ dir: join(dir(), 'contract') }));
  });

  it('file: a torn last line (a write cut by a crash) is ignored, and appending goes on after it', async () => {
    const logDir = join(dir(), 'torn');
    const log = new FileWorkflowLog({ dir: logDir });
    await log.append('run', [started, ...results]);
    await log.close();
    await appendFile(join(logDir, 'run.jsonl'), '{"kind":"result","slot":"M001/3","ep');
    const reopened = new FileWorkflowLog({ dir: logDir });
    assert.deepEqual(await reopened.read('run'), [started, ...results]);
    await reopened.append('run', [{ kind: 'finished', ok: true, output: 3 }]);
    assert.deepEqual((await reopened.read('run')).at(-1), { kind: 'finished', ok: true, output: 3 });
    assert.equal((await readFile(join(logDir, 'run.jsonl'), 'utf8')).split('\n').length, 6, 'five whole lines and nothing of the torn one');
    await reopened.close();
  });

  it('file: a run id that cannot name a file is a ConfigError naming the fix', async () => {
    const log = new FileWorkflowLog({ dir: join(dir(), 'names') });
    await assert.rejects(log.append('../escape', [started]), /run id "\.\.\/escape" cannot name a log file: use 1-128 letters/);
  });

  it('Redis', { skip: redisUnavailable() }, async () => {
    const redis = await startRedis();
    try {
      await contract(() => new RedisWorkflowLog({ url: redis.url }));
      const [reader, writer] = [new RedisWorkflowLog({ url: redis.url }), new RedisWorkflowLog({ url: redis.url })];
      try {
        await writer.append('again', [started, ...results]);
        assert.equal((await reader.read('again')).length, 4);
        await writer.append('again', [started]);
        assert.deepEqual(await reader.readFrom('again', 4), [started], 'what another client appended after this one read');
        await writer.delete('again');
        await writer.append('again', results);
        await writer.append('again', [started, started]);
        assert.deepEqual(await reader.readFrom('again', 5), [], 'a run deleted and written again is read again, not followed on from the old read');
        assert.deepEqual(await reader.readFrom('again', 2), [...results.slice(2), started, started]);
      } finally {
        await Promise.all([reader.close(), writer.close()]);
      }
    } finally {
      await redis.stop();
    }
  });
});
