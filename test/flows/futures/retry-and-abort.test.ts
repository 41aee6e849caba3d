import assert from 'node:assert/strict';
import { readdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { futureExecutor, getResult, UpstreamFailedError } from '../../../flows/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { AbortedError, deployable, type Deployment } from '../../../src/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { callsIn, gatedFunction, joinIds, openGate, startedCalls } from './functions.js';

/** Appends its id to `<dir>/calls`; fails the first time it sees an id listed in `flaky` (it leaves a mark, so the rerun passes). */
const flaky = deployable<{ id: string; dir: string; flaky: string[] }, { id: string }>({
  runtime: 'nodejs:20',
  name: 'flaky',
  maxInstances: 4,
  code: {
    source: `const fs = require('node:fs');
function main({ id, dir, flaky }) {
  fs.appendFileSync(dir + '/calls', id + '\\n');
  if (flaky.includes(id) && !fs.existsSync(dir + '/failed-' + id)) {
    fs.writeFileSync(dir + '/failed-' + id, '');
    throw new Error('flaky ' + id);
  }
  return { id };
}`,
  },
});

describe('retryFailed', () => {
  const tmp = suiteTempDir('falco-futures-retry-');

  it('reruns only the calls that failed, in one call, and keeps the futures in order', async () => {
    const dir = await mkdtemp(join(tmp(), 'map-'));
    const platform = new LocalPlatform();
    const fexec = futureExecutor({ platform });
    try {
      const ids = ['a', 'b', 'c', 'd', 'e'];
      const futures = fexec.map(flaky, ids.map((id) => ({ id, dir, flaky: ['b', 'd'] })));
      const first = await getResult(futures, { throwOnError: false });
      assert.deepEqual(first.map((s) => s.status), ['succeeded', 'failed', 'succeeded', 'failed', 'succeeded']);
      assert.equal(callsIn(join(dir, 'calls')).length, 5);

      const retried = await fexec.retryFailed(futures);
      assert.deepEqual(await getResult(retried), ids.map((id) => ({ id })));
      assert.deepEqual(callsIn(join(dir, 'calls')).sort(), ['a', 'b', 'b', 'c', 'd', 'd', 'e'], 'only b and d ran again');
      assert.equal(retried[0], futures[0], 'a future that succeeded is kept');
      assert.notEqual(retried[1], futures[1]);
      assert.equal(retried[1]!.key, futures[1]!.key, 'the rerun is the same call');
      assert.equal(retried[1]!.record()?.phase, `${futures[1]!.key.split('/')[0]}.retry1`);

      const again = await fexec.retryFailed(retried);
      assert.deepEqual(again, retried, 'nothing failed: nothing runs');
      assert.equal(callsIn(join(dir, 'calls')).length, 7);
    } finally {
      await fexec.close();
      await platform.close();
    }
  });

  it('a reducer whose maps failed does not start; retryFailed of the maps and reducer runs the failed maps, then the reducer', async () => {
    const dir = await mkdtemp(join(tmp(), 'reduce-'));
    const platform = new LocalPlatform();
    const fexec = futureExecutor({ platform });
    try {
      const job = fexec.mapReduce(flaky, ['a', 'b', 'c'].map((id) => ({ id, dir, flaky: ['b'] })), joinIds);
      const [reduced] = await getResult(job.reducers, { throwOnError: false });
      assert.equal(reduced!.status, 'failed');
      await assert.rejects(job.reducers[0]!.result(), (error: unknown) => {
        assert.ok(error instanceof UpstreamFailedError, String(error));
        assert.deepEqual(error.failedKeys, [job.maps[1]!.key]);
        return true;
      });
      const [a, b, c, reducer] = await fexec.retryFailed([...job.maps, ...job.reducers]);
      assert.equal(a, job.maps[0]);
      assert.equal(c, job.maps[2]);
      assert.notEqual(b, job.maps[1]);
      assert.deepEqual(await reducer!.result(), { ids: ['a', 'b', 'c'] });
      assert.deepEqual(callsIn(join(dir, 'calls')).sort(), ['a', 'b', 'b', 'c']);
    } finally {
      await fexec.close();
      await platform.close();
    }
  });
});

describe('aborting and closing', () => {
  const tmp = suiteTempDir('falco-futures-abort-');

  it('an abort mid-map ends every call aborted and leaves no deployment, on the platform or on disk', async () => {
    const dir = await mkdtemp(join(tmp(), 'gates-'));
    const platform = new LocalPlatform({ maxInstances: 16 });
    const controller = new AbortController();
    const fexec = futureExecutor({ platform, signal: controller.signal });
    const deployed: Deployment[] = [];
    const removed: string[] = [];
    fexec.events.on('deploy', ({ deployment }) => deployed.push(deployment));
    fexec.events.on('remove', ({ deployment, error }) => !error && removed.push(deployment.name));
    const codeDirs = async () => (await readdir(tmpdir())).filter((name) => name.startsWith(`falco-local-${process.pid}-`));
    const before = await codeDirs();
    try {
      const futures = fexec.map(gatedFunction(), Array.from({ length: 6 }, (_, i) => ({ id: `c${i}`, dir })));
      await startedCalls(dir, 6);
      await openGate(dir, 'c0');
      await futures[0]!.settled();
      controller.abort(new Error('stop the map'));
      const settled = await getResult(futures, { throwOnError: false });
      assert.deepEqual(settled.map((s) => s.status), ['succeeded', 'aborted', 'aborted', 'aborted', 'aborted', 'aborted']);
      const summary = await fexec.close();
      assert.equal(summary.outcome?.status, 'failed');
      assert.equal(deployed.length, 1);
      assert.deepEqual(removed, [deployed[0]!.name]);
      assert.equal(await platform.fetchDeployment(deployed[0]!.name), undefined);
      assert.deepEqual(await codeDirs(), before, 'the function\'s code directory is gone');
      assert.throws(() => fexec.map(gatedFunction(), [{ id: 'late', dir }]), AbortedError);
    } finally {
      await platform.close();
    }
  });

  it('a signal aborted before anything runs refuses new calls with an AbortedError and deploys nothing', async () => {
    const platform = new LocalPlatform();
    const fexec = futureExecutor({ platform, signal: AbortSignal.abort(new Error('too late')) });
    const deployed: string[] = [];
    fexec.events.on('deploy', ({ deployment }) => deployed.push(deployment.name));
    try {
      assert.throws(() => fexec.callAsync(flaky, { id: 'x', dir: tmp(), flaky: [] }), (error: unknown) => error instanceof AbortedError && /too late/.test(error.message));
      await fexec.close();
      assert.deepEqual(deployed, []);
    } finally {
      await platform.close();
    }
  });

  it('close() while calls hang aborts them and removes the functions: it never waits for a hanging call', async () => {
    const dir = await mkdtemp(join(tmp(), 'hang-'));
    const platform = new LocalPlatform({ maxInstances: 16 });
    const fexec = futureExecutor({ platform });
    const removed: string[] = [];
    fexec.events.on('remove', ({ deployment }) => removed.push(deployment.name));
    try {
      const futures = fexec.map(gatedFunction(), [{ id: 'h0', dir }, { id: 'h1', dir }]);
      const echo = deployable<{ id: string }, { id: string }>({ runtime: 'nodejs:20', name: 'echo', code: { source: 'function main({ id }) { return { id }; }' } });
      const chained = fexec.map(echo, futures);
      await startedCalls(dir, 2);
      await fexec.close();
      assert.deepEqual((await getResult(futures, { throwOnError: false })).map((s) => s.status), ['aborted', 'aborted']);
      assert.deepEqual((await getResult(chained, { throwOnError: false })).map((s) => s.status), ['aborted', 'aborted'], 'the calls chained to them never start');
      assert.equal(removed.length, 2);
      for (const name of removed) assert.equal(await platform.fetchDeployment(name), undefined);
    } finally {
      await platform.close();
    }
  });
});
