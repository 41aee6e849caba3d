/**
 * The README's trigger example: a fan-out of ten invocations on the local platform and a join
 * whose N is set by an event, all embedded. `node dist/example/triggers.js` prints the sum.
 */
import { ActionWorker, TriggerService, Workspaces } from '../flows/index.js';
import { createPlatform } from '../platforms/index.js';
import { MemoryWorkspaceStore } from '../stores/index.js';

const store = new MemoryWorkspaceStore(); // or openStore('redis://127.0.0.1:6379'), openStore() for .falco/
const workspaces = new Workspaces(store);
await workspaces.create('demo');
await workspaces.addTriggers('demo', [
  {
    id: 'square',
    activation: [{ type: 'numbers' }],
    condition: { name: 'true' },
    action: {
      name: 'invoke',
      options: {
        deployable: { runtime: 'nodejs:20', name: 'square', code: { source: 'function main({ n }) { return { square: n * n }; }' } },
        forEach: '{{event.data.items}}',
        input: { n: '{{item}}' },
      },
    },
  },
  {
    id: 'all-squared',
    activation: [{ type: 'falco.invocation.', subject: 'demo/square/', match: 'prefix' }, { type: 'falco.join.expected' }],
    condition: { name: 'join' }, // N comes from the falco.join.expected event below
    action: { name: 'terminate', options: { reason: 'all squared' } },
  },
]);

const platform = await createPlatform('local');
const service = await TriggerService.start({ store, workspace: 'demo' });
const worker = await ActionWorker.start({ store, workspace: 'demo', platform });
const watcher = await store.events('demo').consumer('printer', 'me', { start: '0' });

const items = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
await workspaces.publish('demo', [
  { id: 'job-1', source: 'example', type: 'numbers', data: { items } },
  { id: 'job-1/expected', source: 'example', type: 'falco.join.expected', data: { expected: items.length } },
]);

let sum = 0;
let terminated = false;
for (let reads = 0; !terminated && reads < 60; reads++) {
  for (const { event } of await watcher.read({ blockMs: 1000 })) {
    if (event.type === 'falco.invocation.succeeded') sum += (event.data as { output: { square: number } }).output.square;
    terminated ||= event.type === 'falco.workflow.terminated';
  }
}
console.log(`sum of squares: ${sum}`); // sum of squares: 385
await Promise.all([service.stop(), worker.stop()]);
await platform.close();
