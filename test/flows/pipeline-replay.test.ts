import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ReplayError } from '../../flows/pipeline/errors.js';
import { createSigner } from '../../flows/pipeline/signing.js';
import { StateReplayGuard } from '../../flows/pipeline/signing-replay.js';
import { ConfigError } from '../../src/errors.js';
import { FileStateManager, MemoryStateManager, type StateManager } from '../../stores/index.js';
import { RedisStateManager } from '../../stores/redis/index.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { suiteRedis } from '../stores/suite-redis.js';

/** Two receivers on one backend claim the same deliveries at once: each is admitted exactly once. */
async function oneAdmissionEach(first: StateManager, second: StateManager): Promise<void> {
  const guards = [new StateReplayGuard(first), new StateReplayGuard(second)];
  const requestId = `r-${randomUUID()}`;
  for (let position = 0; position < 3; position++) {
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, n) => guards[n % 2]!.admit(requestId, position)));
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, `one admission at position ${position}`);
    for (const outcome of outcomes) if (outcome.status === 'rejected') assert.ok(outcome.reason instanceof ReplayError);
  }
}

describe('replay guard', () => {
  it('admits a (request, position) once and refuses every later delivery with a ReplayError', async () => {
    const state = new MemoryStateManager();
    const guard = new StateReplayGuard(state);
    await guard.admit('r1', 0);
    await guard.admit('r1', 1);
    await guard.admit('r2', 0);
    await assert.rejects(guard.admit('r1', 1), (error: Error) => error instanceof ReplayError && error.requestId === 'r1' && error.position === 1 && /request "r1" was already delivered at position 1/.test(error.message));
    assert.equal(await guard.claim('r1', 0), false);
    await state.cleanup('r1');
    assert.equal(await guard.claim('r1', 0), false, "cleaning up the request's state does not reopen it to replays");
    await assert.rejects(guard.claim('r1', -1), ConfigError);
    await assert.rejects(guard.claim('r1', 1.5), ConfigError);
  });

  it('refuses a signed request delivered twice: the signature still verifies, the guard does not admit it', async () => {
    const signer = createSigner({ keys: { k1: 'a secret of enough bytes' }, signWith: 'k1' });
    const guard = new StateReplayGuard(new MemoryStateManager());
    const body = Buffer.from(JSON.stringify({ requestId: 'r1', position: 3 }));
    const headers = signer.sign(body);
    const receive = async (bytes: Buffer) => {
      signer.verify(bytes, headers);
      const { requestId, position } = JSON.parse(bytes.toString()) as { requestId: string; position: number };
      await guard.admit(requestId, position);
    };
    await receive(body);
    await assert.rejects(receive(Buffer.from(body)), ReplayError);
  });

  it('forgets claims after its TTL', async () => {
    const guard = new StateReplayGuard(new MemoryStateManager(), { ttlMs: 50 });
    assert.equal(await guard.claim('r1', 0), true);
    for (const deadline = Date.now() + 20_000; !(await guard.claim('r1', 0)); ) {
      assert.ok(Date.now() < deadline, 'the claim outlived its TTL by 20 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  describe('shared by receivers', () => {
    const dir = suiteTempDir('falco-replay-');
    it('on one file directory', async () => {
      await oneAdmissionEach(new FileStateManager({ dir: join(dir(), 'shared') }), new FileStateManager({ dir: join(dir(), 'shared') }));
    });
  });

  describe('shared by receivers on Redis', { skip: redisUnavailable() }, () => {
    const redis = suiteRedis();
    it('on one Redis server', async () => {
      const [first, second] = [new RedisStateManager({ url: redis.server().url }), new RedisStateManager({ url: redis.server().url })];
      try {
        await oneAdmissionEach(first, second);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });
  });
});
