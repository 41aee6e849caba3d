import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dag, item, output, runDag, runStateMachine } from '../../flows/index.js';
import { createPlatform } from '../../platforms/index.js';
import { deployable, type Platform } from '../../src/index.js';
import { openStore, type WorkspaceStore } from '../../stores/index.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

const double = deployable({ runtime: 'nodejs:20', name: 'double', code: { source: 'function main({ n }) { if (n < 0) throw new RangeError("negative"); return { n: n * 2 }; }' } });
const range = deployable({ runtime: 'nodejs:20', name: 'range', code: { source: 'function main({ n }) { return { items: Array.from({ length: n }, (_, i) => i) }; }' } });

const fanOut = dag('backbone')
  .task('range', { deployable: range, input: { n: 50 } })
  .task('double', { deployable: double, forEach: output('range', 'items'), input: { n: item() } });

const mapThenWait = {
  StartAt: 'Each',
  States: {
    Each: { Type: 'Map', MaxConcurrency: 10, ItemSelector: { 'n.$': '$$.Map.Item.Value' }, ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Task', Resource: 'double', OutputPath: '$.n', End: true } } }, Next: 'Wait' },
    Wait: { Type: 'Wait', Seconds: 1, End: true },
  },
};

/** Runs a DAG and a state machine on a store opened by URL. */
function onBackbone(name: string, url: () => string, skip: string | undefined): void {
  describe(`DAGs and state machines on the ${name} store`, { skip }, () => {
    let platform: Platform;
    let store: WorkspaceStore;
    before(async () => {
      platform = await createPlatform('local', { maxInstances: 2 });
      store = await openStore(url());
    });
    after(async () => {
      await store.close();
      await platform.close();
    });

    it('runs a 50-way fan-out DAG and a Map with a Wait to their ends, and deletes their workspaces', async () => {
      const dagResult = await runDag(fanOut, { platform, store });
      assert.equal(dagResult.status, 'succeeded');
      assert.deepEqual(dagResult.outputs.double, Array.from({ length: 50 }, (_, i) => ({ n: i * 2 })));
      const smResult = await runStateMachine(mapThenWait, { platform, store, resources: { double }, input: [1, 2, 3] });
      assert.deepEqual(smResult, { status: 'succeeded', runId: smResult.runId, output: [2, 4, 6] });
      assert.deepEqual(await store.listWorkspaces(), []);
    });
  });
}

const dir = suiteTempDir('falco-backbone-');
onBackbone('file', () => `file:${dir()}`, undefined);

const noRedis = redisUnavailable();
let redis: RedisServer | undefined;
before(async () => {
  if (!noRedis) redis = await startRedis();
});
after(() => redis?.stop());
onBackbone('Redis', () => redis!.url, noRedis);
