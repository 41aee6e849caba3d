import { TriggerService, Workspaces } from '../../flows/index.js';
import { makeEvent, MemoryWorkspaceStore, type EventConsumer } from '../../stores/index.js';
import { quantile } from '../../src/observe/distribution.js';
import { ms, type Benchmark } from '../report.js';

const FAN_IN = 10_000;

/** Reads until an event of `type` arrives; resolves when it has. */
async function waitFor(consumer: EventConsumer, type: string): Promise<void> {
  for (;;) {
    for (const { event } of await consumer.read({ blockMs: 1_000 })) if (event.type === type) return;
  }
}

/**
 * The last of 10,000 termination events to the join's action: 9,999 are applied first, then the
 * clock runs from publishing the last one to the `joined` event the action publishes, read back
 * from the stream. The baseline is the bare round trip of one event through the same stream.
 */
export const joinLatency: Benchmark = {
  name: 'join latency',
  async run({ quick }) {
    const rounds = quick ? 5 : 30;
    const store = new MemoryWorkspaceStore();
    const workspaces = new Workspaces(store);
    const latencies: number[] = [];
    const roundTrips: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const workspace = `join-${round}`;
      await workspaces.create(workspace);
      await workspaces.addTriggers(workspace, [
        { id: 'join', activation: [{ type: 'falco.invocation.succeeded' }], condition: { name: 'join', options: { n: FAN_IN } }, action: { name: 'publish', options: { type: 'joined' } } },
      ]);
      const service = await TriggerService.start({ store, workspace, batchSize: 500 });
      const events = store.events(workspace);
      const ended = (i: number) => makeEvent({ id: `${workspace}/task-${i}`, source: 'bench', type: 'falco.invocation.succeeded', data: { i } });
      for (let start = 0; start < FAN_IN - 1; start += 500) {
        await events.publish(Array.from({ length: Math.min(500, FAN_IN - 1 - start) }, (_, k) => ended(start + k)));
      }
      await service.whenIdle();
      const watcher = await events.consumer('watch', 'bench', { start: '$' });
      const start = performance.now();
      await events.publish([ended(FAN_IN - 1)]);
      await waitFor(watcher, 'joined');
      latencies.push(performance.now() - start);

      const echoStart = performance.now();
      await events.publish([makeEvent({ id: `${workspace}/echo`, source: 'bench', type: 'echo' })]);
      await waitFor(watcher, 'echo');
      roundTrips.push(performance.now() - echoStart);
      await service.stop();
      await store.deleteWorkspace(workspace);
    }
    await store.close();
    const p99 = quantile(Float64Array.from(latencies).sort(), 0.99);
    const base = quantile(Float64Array.from(roundTrips).sort(), 0.99);
    return [
      {
        benchmark: 'join latency',
        figure: `last of ${FAN_IN.toLocaleString('en')} events to the join's action, p99 of ${rounds} (embedded)`,
        value: ms(p99),
        baseline: `${base.toFixed(1)} ms (one event's round trip through the stream)`,
        ratio: p99 / Math.max(base, 0.001),
        target: 'p99 ≤ 50 ms',
        met: p99 <= 50,
      },
    ];
  },
};
