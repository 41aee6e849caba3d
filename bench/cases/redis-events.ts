import { makeEvent } from '../../stores/index.js';
import { openRedis, RedisEventStream } from '../../stores/redis/index.js';
import { startRedis } from '../../test/helpers/redis-server.js';
import { perSecond, timed, type Benchmark } from '../report.js';

const BATCH = 100;
const KEY = 'falco:{bench}:events';

/**
 * Events through `RedisEventStream` (read a batch as CloudEvents, ack it) against a bare
 * XREADGROUP/XACK loop over the same stream, on a redis-server on loopback that it starts itself.
 */
export const redisEvents: Benchmark = {
  name: 'redis events',
  async run({ quick }) {
    const count = quick ? 5_000 : 50_000;
    const redis = await startRedis();
    const client = await openRedis({ url: redis.url });
    // The harness syncs the append-only file on every write, which crash tests need; this measures
    // the stream path itself, with Redis's production default of one sync a second.
    await client.sendCommand(['CONFIG', 'SET', 'appendfsync', 'everysec']);
    const stream = new RedisEventStream(client, KEY);
    try {
      const events = Array.from({ length: count }, (_, n) => makeEvent({ id: `e${n}`, source: 'bench', type: 'falco.invocation.succeeded', subject: `run/map/${n}`, data: { n, output: { square: n * n } } }));
      for (let i = 0; i < count; i += 1_000) await stream.publish(events.slice(i, i + 1_000));
      let round = 0;

      const bare = async () => {
        const group = `bare-${round++}`;
        await client.sendCommand(['XGROUP', 'CREATE', KEY, group, '0']);
        for (let seen = 0; seen < count; ) {
          const reply = await client.sendCommand<Array<[string, Array<[string, string[]]>]> | null>(['XREADGROUP', 'GROUP', group, 'c', 'COUNT', String(BATCH), 'STREAMS', KEY, '>']);
          const entries = reply?.[0]?.[1] ?? [];
          if (entries.length === 0) throw new Error(`bare loop: the stream ran dry after ${seen} entries`);
          await client.sendCommand(['XACK', KEY, group, ...entries.map(([id]) => id)]);
          seen += entries.length;
        }
      };
      const falco = async () => {
        const consumer = await stream.consumer(`falco-${round++}`, 'c');
        for (let seen = 0; seen < count; ) {
          const deliveries = await consumer.read({ max: BATCH, blockMs: 0 });
          if (deliveries.length === 0) throw new Error(`falco: the stream ran dry after ${seen} events`);
          await consumer.ack(deliveries.map((d) => d.entryId));
          seen += deliveries.length;
        }
        await consumer.close();
      };
      await bare();
      await falco();
      const base = Math.min((await timed(bare)).ms, (await timed(bare)).ms);
      const mine = Math.min((await timed(falco)).ms, (await timed(falco)).ms);
      const ratio = base / mine;
      const rate = (count / mine) * 1000;
      return [
        {
          benchmark: 'redis events',
          figure: `${count.toLocaleString('en')} events read + acked in batches of ${BATCH}, redis-server on loopback, appendfsync everysec`,
          value: perSecond(count, mine),
          baseline: `${perSecond(count, base)} (bare XREADGROUP/XACK)`,
          ratio,
          target: '≥ 0.50× and ≥ 20,000/s',
          met: ratio >= 0.5 && rate >= 20_000,
        },
      ];
    } finally {
      client.destroy();
      await redis.stop();
    }
  },
};
