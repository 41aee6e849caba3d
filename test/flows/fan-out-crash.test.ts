import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Workspaces } from '../../flows/index.js';
import { openStore } from '../../stores/index.js';
import { runKillable } from '../helpers/killable-child.js';
import { redisUnavailable, startRedis } from '../helpers/redis-server.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { allEvents } from './stream-reading.js';

const CHILD = fileURLToPath(new URL('../fixtures/join-service-child.js', import.meta.url));
const FAN_OUT = 1_000;
/** Events published twice (the same fact delivered again): the join must not count them twice. */
const REPEATED = 200;
const ENTRIES = FAN_OUT + REPEATED;

const tick = (i: number) => ({ id: `task-${i}`, source: 'test', type: 'tick', data: { i } });

/** The workspace: a join over the 1,000 ids that publishes "joined", and a counter of every entry. */
async function setUp(url: string): Promise<void> {
  const store = await openStore(url);
  const workspaces = new Workspaces(store);
  await workspaces.create('fan');
  await workspaces.addTriggers('fan', [
    { id: 'join', activation: [{ type: 'tick' }], condition: { name: 'join', options: { n: FAN_OUT } }, action: { name: 'publish', options: { type: 'joined', data: { count: FAN_OUT } } }, transient: false },
    { id: 'count', activation: [{ type: 'tick' }], condition: { name: 'counter', options: { threshold: 1_000_000 } }, action: { name: 'pass' }, transient: false },
  ]);
  for (let start = 0; start < FAN_OUT; start += 100) await workspaces.publish('fan', Array.from({ length: 100 }, (_, k) => tick(start + k)));
  await workspaces.publish('fan', Array.from({ length: REPEATED }, (_, k) => tick(k * 5)));
  await store.close();
}

/** What the run left: the join fired once, each entry counted once, nothing pending. */
async function check(url: string): Promise<void> {
  const store = await openStore(url);
  try {
    const join = await store.getTrigger('fan', 'join');
    assert.equal(join?.fired, 1, 'the join fired exactly once');
    assert.equal((join?.context.join as { count: number }).count, FAN_OUT, 'each id joined once');
    assert.equal((await store.getTrigger('fan', 'count'))?.context.counter, ENTRIES, 'each entry counted exactly once');
    const events = await allEvents(store.events('fan'));
    assert.equal(events.filter((event) => event.type === 'joined').length, 1, 'one "joined" event');
    const info = await store.events('fan').info();
    assert.equal(info.groups.find((group) => group.name === 'falco-triggers')?.pending, 0, 'nothing left pending');
  } finally {
    await store.close();
  }
}

/**
 * Runs the service, SIGKILLed `kills` times at random moments, then once to its end. A machine fast
 * enough to finish between two kills starts again on a fresh workspace (checked first), so the
 * kills always land `kills` times whatever the machine's speed.
 */
async function killAndRestart(url: string, kills: number, between?: () => Promise<void>): Promise<number> {
  let killed = 0;
  for (let round = 0; killed < kills; round++) {
    if (round > 0) {
      await check(url);
      await reset(url);
    }
    while (killed < kills) {
      const { ended } = await run(url, Math.floor(Math.random() * 60));
      if (ended === 'done') break;
      killed++;
      await between?.();
    }
  }
  assert.equal((await run(url)).ended, 'done');
  return killed;
}

async function reset(url: string): Promise<void> {
  const store = await openStore(url);
  await store.deleteWorkspace('fan');
  await store.close();
  await setUp(url);
}

function run(url: string, killAfterMs?: number) {
  return runKillable([CHILD, url], { ready: 'ready', ...(killAfterMs === undefined ? {} : { killAfterMs }) });
}

process.env.FALCO_EXPECTED_ENTRIES = String(ENTRIES);

describe('a 1,000-way fan-out joined while its trigger service is SIGKILLed and restarted', () => {
  const dir = suiteTempDir('falco-fan-out-');

  it('embedded (file store): the join fires once and every event is counted once', async () => {
    const url = `file:${dir()}/store`;
    await setUp(url);
    const kills = await killAndRestart(url, 10);
    assert.equal(kills, 10);
    await check(url);
  });

  it('on Redis, with Redis itself SIGKILLed and restarted from its append-only file once', { skip: redisUnavailable() }, async () => {
    const redis = await startRedis();
    try {
      await setUp(redis.url);
      let restarted = false;
      const kills = await killAndRestart(redis.url, 10, async () => {
        if (restarted) return;
        restarted = true;
        await redis.kill();
        await redis.restart();
      });
      assert.equal(kills, 10);
      assert.ok(restarted, 'Redis was killed and restarted');
      await check(redis.url);
    } finally {
      await redis.stop();
    }
  });
});
