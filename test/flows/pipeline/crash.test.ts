import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pipeline } from '../../../flows/index.js';
import { openStateManager } from '../../../stores/index.js';
import { runKillable } from '../../helpers/killable-child.js';
import { redisUnavailable, startRedis } from '../../helpers/redis-server.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { suiteCallbackServer } from './callback-server.js';

const CHILD = fileURLToPath(new URL('../../fixtures/pipeline-child.js', import.meta.url));
process.env.FALCO_TEST_SECRET = 'crash-test-secret-0123456789';

describe('a pipeline whose driver is SIGKILLed between phases finishes when resumed', () => {
  const dir = suiteTempDir('falco-pipeline-crash-');
  const server = suiteCallbackServer();

  async function killThenResume(storeUrl: string, stateUrl: string, requestId: string): Promise<void> {
    const finallyFile = join(dir(), `${requestId}.finally`);
    const args = (mode: string) => [CHILD, mode, storeUrl, stateUrl, requestId, finallyFile, server.url(`/${requestId}`)];
    const before = server.received.length;
    assert.equal((await runKillable(args('submit'), { ready: 'between-phases', killAfterMs: 0 })).ended, 'killed');
    assert.equal((await runKillable(args('resume'))).ended, 'done');

    const state = await openStateManager(stateUrl);
    try {
      const status = await pipeline('crashy').status(requestId, { state });
      assert.equal(status?.state, 'succeeded');
      assert.deepEqual(status?.output, { n: 3 });
      assert.deepEqual(status?.timings.map((timing) => timing.phase), [0, 1, 2], 'each phase recorded once');
    } finally {
      await state.close();
    }
    const finals = (await readFile(finallyFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { state: string });
    assert.deepEqual(finals.map((final) => final.state), ['succeeded'], 'finally ran once');
    const callbacks = server.received.slice(before);
    assert.deepEqual(callbacks.map((callback) => callback.body), [{ n: 3 }], 'one callback with the result');
  }

  it('embedded: the file store and file state', { timeout: 120_000 }, async () => {
    await killThenResume(`file:${dir()}/store`, `file:${dir()}/state`, 'on-files');
  });

  it('on Redis', { skip: redisUnavailable(), timeout: 120_000 }, async () => {
    const redis = await startRedis();
    try {
      await killThenResume(redis.url, redis.url, 'on-redis');
    } finally {
      await redis.stop();
    }
  });
});
