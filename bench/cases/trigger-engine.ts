import { createRegistry, TriggerEngine, TriggerService, Workspaces, type TriggerSpec } from '../../flows/index.js';
import { makeEvent, MemoryWorkspaceStore, type Delivery } from '../../stores/index.js';
import { perSecond, timed, type Benchmark } from '../report.js';

const BATCH = 500;
const BYSTANDERS = 10_000;

const simple: TriggerSpec = { id: 'simple', activation: [{ type: 'tick', subject: 'hot' }], condition: { name: 'counter', options: { threshold: 1 } }, action: { name: 'pass' }, transient: false };
/** Triggers on other subjects of the same type: the index must keep them out of the hot event's way. */
const bystanders: TriggerSpec[] = Array.from({ length: BYSTANDERS }, (_, n) => ({ id: `other-${n}`, activation: [{ type: 'tick', subject: `cold-${n}` }], condition: { name: 'true' }, action: { name: 'pass' } }));

/** Events through the trigger engine embedded (one counter trigger among 10,000 others), against a bare loop doing the same count. */
export const triggerEngine: Benchmark = {
  name: 'trigger engine',
  async run({ quick }) {
    const count = quick ? 20_000 : 400_000;
    const batches: Delivery[][] = [];
    for (let start = 0; start < count; start += BATCH) {
      batches.push(Array.from({ length: BATCH }, (_, i) => ({ event: makeEvent({ id: `e${start + i}`, source: 'bench', type: 'tick', subject: 'hot' }), entryId: `1-${start + i + 1}`, deliveries: 1 })));
    }

    const baseline = async () => {
      const handlers = new Map([['tick hot', (context: { counter: number }) => context.counter++]]);
      const context = { counter: 0 };
      for (const batch of batches) {
        const acks: string[] = [];
        for (const delivery of batch) {
          handlers.get(`${delivery.event.type} ${delivery.event.subject}`)?.(context);
          acks.push(delivery.entryId);
        }
      }
      if (context.counter !== count) throw new Error('trigger engine: the baseline lost events');
    };
    const engine = async () => {
      const engine = new TriggerEngine('bench', createRegistry());
      engine.load([simple, ...bystanders].map((spec) => ({ spec, context: {}, fired: 0 })), {});
      let last: unknown;
      for (const batch of batches) last = engine.apply(batch, 'g').checkpoint?.triggers[0]?.context.counter;
      if (last !== count) throw new Error(`trigger engine: counted ${String(last)} of ${count}`);
    };
    const service = async () => {
      const store = new MemoryWorkspaceStore();
      const workspaces = new Workspaces(store);
      await workspaces.create('bench');
      await workspaces.addTriggers('bench', [simple]);
      const running = await TriggerService.start({ store, workspace: 'bench', batchSize: BATCH });
      for (const batch of batches) await store.events('bench').publish(batch.map((d) => d.event));
      await running.whenIdle();
      await running.stop();
      const counted = (await store.getTrigger('bench', 'simple'))?.context.counter;
      if (counted !== count) throw new Error(`trigger service: counted ${String(counted)} of ${count}`);
    };
    await baseline();
    await engine();
    await service();
    let base = Infinity;
    let mine = Infinity;
    let served = Infinity;
    for (let round = 0; round < 3; round++) {
      base = Math.min(base, (await timed(baseline)).ms);
      mine = Math.min(mine, (await timed(engine)).ms);
      served = Math.min(served, (await timed(service)).ms);
    }
    const rate = (count / mine) * 1000;
    const servedRate = (count / served) * 1000;
    return [
      { benchmark: 'trigger engine', figure: `${count.toLocaleString('en')} events, 1 counter trigger among ${BYSTANDERS.toLocaleString('en')}`, value: perSecond(count, mine), baseline: `${perSecond(count, base)} (bare loop)`, ratio: base / mine, target: '≥ 200,000/s', met: rate >= 200_000 },
      { benchmark: 'trigger service', figure: 'the same events through the service on the memory store (best of 3, after a warm-up)', value: perSecond(count, served), target: '≥ 200,000/s', met: servedRate >= 200_000 },
    ];
  },
};
