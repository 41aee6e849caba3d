import { createHmac, randomBytes } from 'node:crypto';
import { createSigner } from '../../flows/pipeline/signing.js';
import { openRedis, RedisStateManager, stateKey } from '../../stores/redis/index.js';
import { startRedis } from '../../test/helpers/redis-server.js';
import { perSecond, timed, type Benchmark, type Row } from '../report.js';

/**
 * The fastest of three timed runs of each, after one to warm up, taken in turns so that a busy
 * moment on the machine slows every contender alike.
 */
async function fastest(runs: ReadonlyArray<() => Promise<void>>): Promise<number[]> {
  for (const run of runs) await run();
  const times = runs.map(() => Infinity);
  for (let round = 0; round < 3; round++) for (const [i, run] of runs.entries()) times[i] = Math.min(times[i]!, (await timed(run)).ms);
  return times;
}

/**
 * Pipeline state in Redis (`incr`, `compareAndSet`: one Lua script each) against a bare HINCRBY
 * loop on the same server, one call at a time; and signing plus verifying a 64 KiB forwarded
 * body against two bare HMAC-SHA256 digests of it (what sign + verify must compute).
 */
export const pipelineState: Benchmark = {
  name: 'pipeline state',
  async run({ quick }) {
    const rows: Row[] = [];
    const calls = quick ? 2_000 : 20_000;
    const redis = await startRedis();
    const client = await openRedis({ url: redis.url });
    // As in the Redis events benchmark: Redis's production default of one sync a second, not the crash tests' every write.
    await client.sendCommand(['CONFIG', 'SET', 'appendfsync', 'everysec']);
    const state = new RedisStateManager({ url: redis.url });
    try {
      const key = stateKey('bench');
      const [bare, incr, cas] = await fastest([
        async () => {
          for (let i = 0; i < calls; i++) await client.sendCommand(['HINCRBY', key, 'bare', '1']);
        },
        async () => {
          for (let i = 0; i < calls; i++) await state.incr('bench', 'n');
        },
        async () => {
          await state.set('bench', 'c', 0);
          for (let i = 0; i < calls; i++) if (!(await state.compareAndSet('bench', 'c', i, i + 1))) throw new Error(`compareAndSet lost at ${i}`);
        },
      ]) as [number, number, number];
      for (const [what, mine] of [['incr', incr], ['compareAndSet', cas]] as const) {
        const ratio = bare / mine;
        rows.push({
          benchmark: 'pipeline state',
          figure: `Redis ${what}, ${calls.toLocaleString('en')} calls one at a time, redis-server on loopback`,
          value: perSecond(calls, mine),
          baseline: `${perSecond(calls, bare)} (bare HINCRBY)`,
          ratio,
          target: '≥ 0.50×',
          met: ratio >= 0.5,
        });
      }
    } finally {
      await state.close();
      client.destroy();
      await redis.stop();
    }

    const body = randomBytes(64 * 1024);
    const secret = randomBytes(32);
    const signer = createSigner({ keys: { k1: secret }, signWith: 'k1' });
    const bodies = quick ? 2_000 : 20_000;
    const [bareMacs, signed] = await fastest([
      async () => {
        for (let i = 0; i < bodies; i++) for (let twice = 0; twice < 2; twice++) createHmac('sha256', secret).update(`${i}.`).update(body).digest();
      },
      async () => {
        for (let i = 0; i < bodies; i++) signer.verify(body, signer.sign(body));
      },
    ]) as [number, number];
    const ratio = bareMacs / signed;
    rows.push({
      benchmark: 'pipeline state',
      figure: `sign + verify a 64 KiB body, ${bodies.toLocaleString('en')} times`,
      value: perSecond(bodies, signed),
      baseline: `${perSecond(bodies, bareMacs)} (two bare HMAC-SHA256)`,
      ratio,
      target: '≥ 0.80×',
      met: ratio >= 0.8,
    });
    return rows;
  },
};
