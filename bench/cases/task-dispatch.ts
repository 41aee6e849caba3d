import { setTimeout as sleep } from 'node:timers/promises';
import { LifecycleWorker, TaskWorker, taskKind, Workflows, type FlowGraph } from '../../flows/index.js';
import { MemoryWorkspaceStore, type WorkspaceStore } from '../../stores/index.js';
import { openRedis, RedisWorkspaceStore } from '../../stores/redis/index.js';
import { startRedis } from '../../test/helpers/redis-server.js';
import { perSecond, timed, type Benchmark } from '../report.js';

const noop = { noop: taskKind({ run: () => ({}) }) };

function chain(length: number): FlowGraph {
  const nodes = Array.from({ length }, (_, i) => ({ id: `T${i}`, name: 'noop' }));
  const edges = [{ from: '$start', to: 'T0' }, ...nodes.slice(1).map((node, i) => ({ from: `T${i}`, to: node.id })), { from: `T${length - 1}`, to: '$end' }];
  return { name: 'chain', nodes, edges };
}

/** Runs `workflows` chains of `length` trivial tasks on the store, service, lifecycle and worker in this process; resolves when all finished. */
async function dispatch(store: WorkspaceStore, workspace: string, workflows: number, length: number): Promise<void> {
  const service = await Workflows.open({ store, workspace });
  const lifecycle = await LifecycleWorker.start({ store, workspace, blockMs: 20 });
  const worker = await TaskWorker.start({ store, workspace, kinds: noop, concurrency: 64, blockMs: 20 });
  try {
    const graph = chain(length);
    await Promise.all(Array.from({ length: workflows }, (_, i) => service.start(graph, {}, { id: `${workspace}-${i}` })));
    while ((await service.list()).some((w) => w.state !== 'finished')) await sleep(20);
  } finally {
    await Promise.all([service.close(), lifecycle.stop(), worker.stop()]);
  }
}

/**
 * Task dispatch through Redis (start-task → worker → end-task → the next start-task, each a stream
 * entry and a guarded checkpoint) against the same workflows on the memory store in this process;
 * per task, falco's overhead beside Redis' own round trip (a bare PING loop).
 */
export const taskDispatch: Benchmark = {
  name: 'task dispatch',
  async run({ quick }) {
    const [workflows, length] = quick ? [20, 50] : [100, 100];
    const tasks = workflows * length;
    const redis = await startRedis();
    const client = await openRedis({ url: redis.url });
    await client.sendCommand(['CONFIG', 'SET', 'appendfsync', 'everysec']);
    try {
      let round = 0;
      const memory = await timed(async () => {
        const store = new MemoryWorkspaceStore();
        await dispatch(store, `memory-${round++}`, workflows, length);
        await store.close();
      });
      const store = new RedisWorkspaceStore({ url: redis.url });
      const onRedis = await timed(() => dispatch(store, `redis-${round++}`, workflows, length));
      await store.close();
      const pings = 2_000;
      const ping = await timed(async () => {
        for (let i = 0; i < pings; i++) await client.sendCommand(['PING']);
      });
      const ratio = memory.ms / onRedis.ms;
      return [
        {
          benchmark: 'task dispatch',
          figure: `${tasks.toLocaleString('en')} trivial tasks (${workflows} chains of ${length}) through Redis streams, redis-server on loopback`,
          value: `${perSecond(tasks, onRedis.ms)}; ${(onRedis.ms / tasks).toFixed(3)} ms/task beside ${(ping.ms / pings).toFixed(3)} ms per PING`,
          baseline: `${perSecond(tasks, memory.ms)} in-process (memory store)`,
          ratio,
          target: '≥ 0.30×',
          met: ratio >= 0.3,
        },
      ];
    } finally {
      client.destroy();
      await redis.stop();
    }
  },
};
