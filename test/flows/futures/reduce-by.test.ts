import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { futureExecutor, getResult } from '../../../flows/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { deployable } from '../../../src/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { gatedFunction, joinIds, openGate, startedCalls } from './functions.js';

describe('mapReduce with reduceBy', () => {
  const tmp = suiteTempDir('falco-futures-reduce-by-');

  it('starts each key\'s reducer as soon as that key\'s maps are done, while the other key\'s maps still run', async () => {
    const dir = await mkdtemp(join(tmp(), 'gates-'));
    const platform = new LocalPlatform({ maxInstances: 16 });
    const fexec = futureExecutor({ platform });
    const reducerStarts: string[] = [];
    fexec.events.on('invocation:start', ({ invocation }) => invocation.phase.startsWith('R') && reducerStarts.push(invocation.id));
    try {
      const inputs = ['a0', 'b0', 'a1', 'b1'].map((id) => ({ id, dir }));
      const job = fexec.mapReduce(gatedFunction(), inputs, joinIds, { reduceBy: ({ id }) => id[0]! });
      await startedCalls(dir, 4);
      assert.deepEqual(reducerStarts, [], 'no reducer runs (or waits, billed) before its maps are done');
      await Promise.all([openGate(dir, 'a0'), openGate(dir, 'a1')]);
      assert.deepEqual(await job.byKey.get('a')!.result(), { key: 'a', ids: ['a0', 'a1'] });
      assert.equal(job.maps[1]!.done || job.maps[3]!.done, false, 'the b maps are still running');
      assert.equal(job.byKey.get('b')!.done, false);
      await openGate(dir, 'all');
      const results = await getResult(job.reducers);
      assert.deepEqual(results, [{ key: 'a', ids: ['a0', 'a1'] }, { key: 'b', ids: ['b0', 'b1'] }], 'reducer results only: no map output among them');
      assert.deepEqual(reducerStarts, [job.reducers[0]!.key, job.reducers[1]!.key]);
      const summary = fexec.summary();
      assert.deepEqual(summary.phases.map((p) => [p.phase, p.invocations]), [[job.maps[0]!.key.split('/')[0], 4], [job.reducers[0]!.key.split('/')[0], 2]]);
    } finally {
      await fexec.close();
      await platform.close();
    }
  });

  it('without reduceBy, one reducer takes every map\'s output in input order', async () => {
    const platform = new LocalPlatform();
    const fexec = futureExecutor({ platform });
    const echo = deployable<{ id: string }, { id: string }>({ runtime: 'nodejs:20', name: 'echo', code: { source: 'function main({ id }) { return { id }; }' } });
    try {
      const job = fexec.mapReduce(echo, ['x', 'y', 'z'].map((id) => ({ id })), joinIds);
      assert.deepEqual(await getResult(job.reducers), [{ ids: ['x', 'y', 'z'] }]);
      assert.equal(job.byKey.size, 0);
    } finally {
      await fexec.close();
      await platform.close();
    }
  });
});
