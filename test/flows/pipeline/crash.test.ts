import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pipeline } from '../../../flows/index.js';
import { openStateManager, openStore } from '../../../stores/index.js';
import { allEvents } from '../stream-reading.js';
import { runKillable } from '../../helpers/killable-child.js';
import { redisUnavailable, startRedis } from '../../helpers/redis-server.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { suiteCallbackServer } from './callback-server.js';

const CHILD = fileURLToPath(new URL('../../fixtures/pipeline-child.js', import.meta.url));
const STATE_CHILD = fileURLToPath(new URL('./state-crash-child.js', import.meta.url));
/** Kills of the `data: 'state'` variant, alternating: inside a phase (after its start), and about its end (before, during or after it is forwarded). */
const KILLS = 6;
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

  onFilesAndRedis(dir, 'default', killThenResume, 120_000);

  describe("with forwarding.data: 'state', the worker SIGKILLed at random inside and between phases", () => {
    async function killAtRandom(storeUrl: string, stateUrl: string, requestId: string): Promise<void> {
      const log = join(dir(), `${requestId}.log`);
      const finallyFile = join(dir(), `${requestId}.finally`);
      const args = [STATE_CHILD, storeUrl, stateUrl, requestId, log, finallyFile];
      const lines = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
      // A child that makes no progress for this long is killed and the test fails with what it left: never a hang.
      const stuckAfterMs = 120_000;
      const stuck = async (what: string) => {
        const state = await openStateManager(stateUrl);
        const status = await pipeline('state-crashy').status(requestId, { state }).finally(() => state.close());
        assert.fail(`${what}: no progress for ${stuckAfterMs} ms; status ${JSON.stringify(status)}; log:\n${(await lines()).join('\n')}`);
      };
      let kills = 0;
      for (let round = 0; round < KILLS; round++) {
        const seen = (await lines()).length;
        const marker = round % 2 === 0 ? 'start' : 'end';
        const startedAt = Date.now();
        let due: number | undefined;
        let gaveUp = false;
        // Killed a random moment after a phase logs its start (inside it), or its end (about its forwarding).
        const killWhen = async () => {
          if (due === undefined && (await lines()).slice(seen).some((line) => line.startsWith(`${marker} `))) due = Date.now() + Math.random() * (marker === 'start' ? 100 : 40);
          gaveUp = due === undefined && Date.now() - startedAt > stuckAfterMs;
          return gaveUp || (due !== undefined && Date.now() >= due);
        };
        const { ended } = await runKillable(args, { killWhen });
        if (gaveUp) await stuck(`kill ${round + 1} waited for a phase to log "${marker}"`);
        if (ended === 'done') break;
        kills++;
      }
      const startedAt = Date.now();
      if ((await runKillable(args, { killWhen: async () => Date.now() - startedAt > stuckAfterMs })).ended !== 'done') await stuck('the last run did not end the request');

      let claims = 0;
      const state = await openStateManager(stateUrl);
      try {
        const status = await pipeline('state-crashy').status(requestId, { state });
        assert.equal(status?.state, 'succeeded');
        assert.deepEqual(status?.output, { n: 6 }, 'each of the six calls moved the data on once');
        assert.deepEqual(status?.timings.map((timing) => timing.phase), [0, 1, 2], 'each phase recorded once');
        claims = status?.finallyClaims ?? 1;
      } finally {
        await state.close();
      }
      const store = await openStore(storeUrl);
      try {
        const bodies = (await allEvents(store.events('pipelines'))).filter((event) => event.subject === requestId).map((event) => JSON.parse((event.data as { body: string }).body) as { data: unknown; dataInState?: true });
        assert.ok(bodies.length >= 3 && bodies.every((body) => body.data === null && body.dataInState === true), 'the stream carried no data');
      } finally {
        await store.close();
      }
      const runs = (await lines()).filter((line) => line.startsWith('start ')).map((line) => Number(line.split(' ')[1]));
      for (const phase of [0, 1, 2]) assert.ok(runs.includes(phase), `phase ${phase} ran`);
      assert.ok(runs.length - 3 <= kills, `phases ran again only after a kill: ${runs.length} runs of 3 phases, ${kills} kills`);
      const finals = (await readFile(finallyFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { state: string });
      assert.ok(finals.every((final) => final.state === 'succeeded'));
      // Once, but where a kill landed between claiming finally and recording it ran: then another worker took the claim over.
      assert.ok(finals.length >= 1 && finals.length <= claims, `finally ran ${finals.length} times, claimed ${claims} times`);
    }

    onFilesAndRedis(dir, 'state', killAtRandom, 300_000);
  });
});

/** The same check on the embedded backends (file store, file state) and on Redis, each with a request of its own. */
function onFilesAndRedis(dir: () => string, name: string, check: (storeUrl: string, stateUrl: string, requestId: string) => Promise<void>, timeout: number): void {
  it('embedded: the file store and file state', { timeout }, () => check(`file:${dir()}/${name}-store`, `file:${dir()}/${name}-state`, `${name}-on-files`));
  it('on Redis', { skip: redisUnavailable(), timeout }, async () => {
    const redis = await startRedis();
    try {
      await check(redis.url, redis.url, `${name}-on-redis`);
    } finally {
      await redis.stop();
    }
  });
}
