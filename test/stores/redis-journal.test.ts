import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { ConfigError, readOutputs, type Invocation, type JournalRecord, type PhaseContext } from '../../src/index.js';
import { journalKey } from '../../src/spi.js';
import { RedisJournal, RedisUnavailableError } from '../../stores/redis/index.js';
import { PlanDriver } from '../helpers/drivers.js';
import { runKillable } from '../helpers/killable-child.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { suiteRedis } from './suite-redis.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

const CLI = fileURLToPath(new URL('../../cli/falco.js', import.meta.url));
const DRIVER = fileURLToPath(new URL('../fixtures/squares-driver.js', import.meta.url));
const SLOW = JSON.stringify({ seed: 4, latency: { distribution: 'fixed', ms: 25 } });

const record = (id: string, output: unknown): JournalRecord => ({ id, phase: 'map', input: { id }, status: 'succeeded', output, attempts: [], deployableDigest: 'd1' });

/** `falco run` with a Redis journal; SIGKILLed as soon as `killWhen` says so, or run to the end. */
function falcoRun(cwd: string, url: string, killWhen?: () => Promise<boolean>) {
  const args = [CLI, 'run', DRIVER, '--platform', 'simulated', '--platform-options', SLOW, '-c', '4', '--run-id', 'journaled', '--resume', '--journal', url, '-q'];
  return runKillable(args, { cwd, ...(killWhen ? { killWhen } : {}) });
}

describe('RedisJournal', { skip: redisUnavailable() }, () => {
  const dir = suiteTempDir('falco-redis-journal-');
  const redis = suiteRedis();
  const kept = async (): Promise<Record<string, string>> => {
    const flat = await redis.client().sendCommand<string[]>(['HGETALL', 'falco:{journaled}:journal']);
    const out: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
    return out;
  };

  it('keeps what was appended, once per invocation, in a hash under the run\'s hash tag', async () => {
    const journal = new RedisJournal({ url: redis.server().url, runId: 'unit' });
    assert.equal(journal.key, 'falco:{unit}:journal');
    journal.append(record('a', 1));
    journal.append(record('b', 2));
    journal.append(record('a', 1));
    await journal.close();
    const again = new RedisJournal({ url: redis.server().url, runId: 'unit' });
    const records = await again.load();
    assert.deepEqual([...records.keys()].sort(), [journalKey('map', 'a'), journalKey('map', 'b')]);
    assert.deepEqual(records.get(journalKey('map', 'b'))?.output, 2);
    await again.close();
  });

  it('reads its records back one at a time, so a streamed phase\'s outputs reach the next phase from Redis', async () => {
    const count = 2_500; // past one HSCAN step of 1,000
    async function* numbers() {
      for (let n = 0; n < count; n++) yield { input: { n } };
    }
    let sum = -1;
    const driver = new PlanDriver([
      { id: 'map', invocations: numbers() },
      {
        id: 'reduce',
        invocations: async ({ previous }: PhaseContext<{ n: number }>) => {
          sum = 0;
          for await (const output of readOutputs(previous!)) sum += output.n;
          return [{ input: { sum } }];
        },
      },
    ]);
    const journal = new RedisJournal({ url: redis.server().url, runId: 'read-back' });
    const run = await driver.run({
      platform: new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 0 } }),
      executor: new ConcurrentExecutor({ concurrency: 50 }),
      journal,
    });
    assert.equal(run.phases[0]!.records, 'streamed');
    assert.equal(sum, (count * (count - 1)) / 2, 'every output read back once');
    const again = new RedisJournal({ url: redis.server().url, runId: 'read-back' });
    let records = 0;
    for await (const kept of again.records()) records += kept.phase === 'map' ? 1 : 0;
    assert.equal(records, count);
    await again.close();
  });

  it('names an unreachable server without its password, and refuses a URL that is not Redis', async () => {
    const journal = new RedisJournal({ url: `redis://:s3cret-pw@127.0.0.1:${redis.server().port + 1}`, runId: 'nowhere' });
    await assert.rejects(journal.load(), (error: Error) => error instanceof RedisUnavailableError && /redis:\/\/:\*\*\*@127\.0\.0\.1/.test(error.message) && !error.message.includes('s3cret-pw'));
    await journal.close().catch(() => {});
    assert.throws(() => new RedisJournal({ url: 'http://localhost:6379', runId: 'x' }), ConfigError);
    await assert.rejects(falcoRun(dir(), 'https://:s3cret-pw@localhost'), (error: Error) =>
      /exited with 2/.test(error.message) && /is not a Redis URL: it must start with redis:\/\//.test(error.message) && !error.message.includes('s3cret-pw'));
  });

  it('falco run --resume --journal redis://: SIGKILLed runs keep every finished record, and the last run re-runs none of them', async () => {
    const before: Array<Record<string, string>> = [];
    for (let kill = 1; kill <= 4; kill++) {
      // Each run is killed once it has journaled a few more records, at a random point in between.
      const target = kill * 20 + Math.floor(Math.random() * 10);
      const run = await falcoRun(dir(), redis.server().url, async () => (await redis.client().sendCommand<number>(['HLEN', 'falco:{journaled}:journal'])) >= target);
      assert.equal(run.ended, 'killed', 'the run ended before the kill');
      before.push(await kept());
    }
    assert.ok(Object.keys(before.at(-1)!).length < 121, 'the kills landed before the run was done');
    assert.equal((await falcoRun(dir(), redis.server().url)).ended, 'done');
    const final = await kept();
    assert.equal(Object.keys(final).length, 121);
    assert.ok(Object.values(final).every((line) => (JSON.parse(line) as Invocation).status === 'succeeded'));
    for (const snapshot of before) {
      for (const [key, line] of Object.entries(snapshot)) assert.equal(final[key], line, `${key} was run again after it was journaled`);
    }
  });
});
