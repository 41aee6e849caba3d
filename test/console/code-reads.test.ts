import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CodeSource, WorkflowWorker, Workspaces, type WorkflowUpdate } from '../../flows/index.js';
import { createPlatform } from '../../platforms/index.js';
import type { Platform } from '../../src/index.js';
import { FileWorkflowLog, MemoryWorkflowLog, MemoryWorkspaceStore } from '../../stores/index.js';
import { RedisWorkflowLog } from '../../stores/redis/index.js';
import type { LogRecord, WorkflowLog } from '../../stores/ports/workflow-log.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { until, waiting } from './kinds.js';

/** A log that counts what is read through it: whole logs and records, by run, and reads of the sizes. */
class CountingLog implements WorkflowLog {
  readonly inner: WorkflowLog;
  sizeReads = 0;
  readonly reads = new Map<string, number>();
  readonly recordsRead = new Map<string, number>();

  constructor(inner: WorkflowLog) {
    this.inner = inner;
  }

  append(run: string, records: readonly LogRecord[]): Promise<void> {
    return this.inner.append(run, records);
  }

  async read(run: string): Promise<LogRecord[]> {
    return this.#counted(run, await this.inner.read(run));
  }

  async readFrom(run: string, from: number): Promise<LogRecord[]> {
    return this.#counted(run, await this.inner.readFrom!(run, from));
  }

  sizes(): Promise<ReadonlyMap<string, number>> {
    this.sizeReads++;
    return this.inner.sizes!();
  }

  list(): Promise<string[]> {
    return this.inner.list();
  }

  delete(run: string): Promise<void> {
    return this.inner.delete(run);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  #counted(run: string, records: LogRecord[]): LogRecord[] {
    this.reads.set(run, (this.reads.get(run) ?? 0) + 1);
    this.recordsRead.set(run, (this.recordsRead.get(run) ?? 0) + records.length);
    return records;
  }
}

function onLog(name: string, open: (dir: string) => WorkflowLog): void {
  describe(`the console reads only what is new in a code run's log, ${name} log`, () => {
    const dir = suiteTempDir('falco-code-reads-');
    let platform: Platform;
    before(async () => {
      platform = await createPlatform('local');
    });
    after(async () => {
      await platform.close();
    });

    it('an unchanged run costs no read of its log however often the watch polls; a grown one costs a read of its new records', async () => {
      const store = new MemoryWorkspaceStore();
      const log = new CountingLog(open(dir()));
      const worker = new WorkflowWorker({ store, log: log.inner, platform, workflows: [waiting] });
      const code = new CodeSource({ store, log, platform, workflows: [waiting], watchPollMs: 10 });
      try {
        await worker.start(waiting, undefined, { runId: 'idle-1' });
        await until('the run waits for its event', async () => (await log.inner.read('idle-1')).some((record) => record.kind === 'call' && record.op === 'event'));
        const updates: WorkflowUpdate[] = [];
        const stop = await code.watch((update) => updates.push(update));
        const logged = (await log.inner.read('idle-1')).length;
        assert.equal(log.recordsRead.get('idle-1'), logged, 'the first read took the whole log');
        const [reads, polls] = [log.reads.get('idle-1'), log.sizeReads];
        await until('the watch polled five times more', async () => log.sizeReads >= polls + 5);
        assert.equal(log.reads.get('idle-1'), reads, 'no read of the unchanged log');
        await new Workspaces(store).publish('idle-1', [{ id: 'go-1', source: 'test', type: 'go', subject: 'idle-1', data: 'now' }]);
        await until('the watch saw the run finish', async () => updates.some((update) => update.kind === 'workflow' && update.workflow.state === 'finished'));
        const total = (await log.inner.read('idle-1')).length;
        assert.equal(log.recordsRead.get('idle-1'), total, 'each record was read once');
        assert.deepEqual((await code.inspect('idle-1'))?.output, { first: 4, go: 'now' });
        await stop();
      } finally {
        await Promise.all([code.close(), worker.stop()]);
        await log.close();
      }
    });
  });
}

onLog('memory', () => new MemoryWorkflowLog());
onLog('file', (dir) => new FileWorkflowLog({ dir }));

describe('on Redis', { skip: redisUnavailable() }, () => {
  let redis: RedisServer | undefined;
  before(async () => {
    redis = await startRedis();
  });
  after(() => redis?.stop());
  onLog('Redis', () => new RedisWorkflowLog({ url: redis!.url }));
});
