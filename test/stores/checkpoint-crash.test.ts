import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { FileWorkspaceStore } from '../../stores/file/index.js';
import { RedisWorkspaceStore } from '../../stores/redis/index.js';
import type { WorkspaceStore } from '../../stores/index.js';
import { runKillable } from '../helpers/killable-child.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { suiteRedis } from './suite-redis.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { applyBatch, checkInvariants, GROUP, setUpWorkload, WORKSPACE } from './counting-workload.js';

const child = fileURLToPath(new URL('../fixtures/file-store-child.js', import.meta.url));
const TICKS = 600;

/** Runs the child on `dir`; SIGKILLs it `killAfterMs` after it is ready, or lets it finish. */
const runChild = async (dir: string, killAfterMs?: number) => (await runKillable([child, dir], { ready: 'ready', ...(killAfterMs === undefined ? {} : { killAfterMs }) })).ended;

describe('checkpoints survive crashes', () => {
  const dir = suiteTempDir('falco-crash-');

  it('file store: a process SIGKILLed in a loop of checkpoints, reopened on its directory, lost and doubled nothing', async () => {
    // Ten kills whatever the machine's speed: a workload that ends before its tenth kill is checked
    // whole, and the kills go on against a fresh one.
    let kills = 0;
    for (let round = 0; kills < 10; round++) {
      const path = join(dir(), `store-${round}`);
      const setup = new FileWorkspaceStore({ dir: path });
      await setUpWorkload(setup, TICKS);
      await setup.close();
      let ended: 'killed' | 'done' = 'killed';
      let last = 0;
      while (kills < 10 && ended === 'killed') {
        ended = await runChild(path, 20 + Math.floor(Math.random() * 250));
        if (ended === 'killed') kills++;
        // The dead child's lock is taken over; every checkpoint it made is whole.
        const store = new FileWorkspaceStore({ dir: path });
        const counts = await checkInvariants(store, TICKS, ended === 'done');
        assert.ok(counts.commits >= last, 'no checkpoint is lost');
        last = counts.commits;
        await store.close();
      }
      if (ended === 'done') continue;
      assert.equal(await runChild(path), 'done');
      const store = new FileWorkspaceStore({ dir: path });
      await checkInvariants(store, TICKS, true);
      await store.close();
    }
  });

  describe('Redis store', { skip: redisUnavailable() }, () => {
    const suite = suiteRedis();

    it('Redis SIGKILLed mid-load and restarted from its append-only file: every checkpoint whole, nothing lost or doubled', async () => {
      const redis = suite.server();
      const open = () => new RedisWorkspaceStore({ url: redis.url, maxReconnects: 0 });
      const ticks = 5 * TICKS;
      let store: WorkspaceStore = open();
      await setUpWorkload(store, ticks);
      let kills = 0;
      let interrupted = 0;
      let busy = true;
      while (busy) {
        const killer = kills < 3 ? sleep(20 + Math.random() * 150).then(() => redis.kill()) : undefined;
        try {
          const consumer = await store.events(WORKSPACE).consumer(GROUP, 'worker');
          while ((busy = await applyBatch(store, consumer)));
        } catch {
          // The server went away mid-batch: start again as a restarted service would.
          interrupted++;
        }
        if (killer) {
          await killer;
          kills++;
          await store.close();
          await redis.restart();
          store = open();
          await checkInvariants(store, ticks, false);
          busy = true;
        }
      }
      assert.equal(interrupted, 3, 'every kill landed while checkpoints were being written');
      await checkInvariants(store, ticks, true);
      await store.close();
    });
  });
});
