import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { futureExecutor, getResult, wait, type FutureExecutor } from '../../../flows/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { AbortedError, TimeoutError } from '../../../src/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { gatedFunction, openGate, startedCalls } from './functions.js';

// Every call waits for its gate: the test opens them one by one, so which futures are done is known without timing.
describe('wait and getResult on calls that end when the test says', () => {
  const tmp = suiteTempDir('falco-futures-wait-');
  const gated = gatedFunction();
  let platform: LocalPlatform;
  let fexec: FutureExecutor;
  before(() => {
    platform = new LocalPlatform({ maxInstances: 16 });
    fexec = futureExecutor({ platform });
  });
  after(async () => {
    await fexec.close();
    await platform.close();
  });

  const gatedMap = async (n: number) => {
    const dir = await mkdtemp(join(tmp(), 'gates-'));
    const futures = fexec.map(gated, Array.from({ length: n }, (_, i) => ({ id: `c${i}`, dir })));
    await startedCalls(dir, n);
    return { dir, futures };
  };

  it('resolves each future as its call ends, not when the phase does: always, any, a fraction, all', async () => {
    const { dir, futures } = await gatedMap(4);
    const always = await wait(futures, { returnWhen: 'always' });
    assert.deepEqual([always.done.length, always.notDone.length], [0, 4]);

    await openGate(dir, 'c2');
    const any = await wait(futures, { returnWhen: 'any' });
    assert.deepEqual(any.done, [futures[2]]);
    assert.deepEqual(await futures[2]!.result(), { id: 'c2' });
    assert.equal(futures[2]!.record()?.status, 'succeeded');
    assert.equal(futures[0]!.done, false, 'the other calls still run');

    await openGate(dir, 'c0');
    const half = await wait(futures, { returnWhen: 0.5 });
    assert.deepEqual(half.done, [futures[0], futures[2]]);
    assert.deepEqual(half.notDone, [futures[1], futures[3]]);

    await Promise.all([openGate(dir, 'c1'), openGate(dir, 'c3')]);
    const all = await wait(futures);
    assert.deepEqual([all.done.length, all.notDone.length], [4, 0]);
    assert.deepEqual(await getResult(futures), [{ id: 'c0' }, { id: 'c1' }, { id: 'c2' }, { id: 'c3' }]);
  });

  it('wait with timeoutMs returns what has ended so far; the calls go on', async () => {
    const { dir, futures } = await gatedMap(3);
    await openGate(dir, 'c1');
    await futures[1]!.settled();
    const { done, notDone } = await wait(futures, { timeoutMs: 50 });
    assert.deepEqual(done, [futures[1]]);
    assert.deepEqual(notDone, [futures[0], futures[2]]);
    await openGate(dir, 'all');
    assert.equal((await wait(futures)).done.length, 3);
  });

  it('getResult with a timeout on a hanging function rejects with a TimeoutError naming the calls still running', async () => {
    const { dir, futures } = await gatedMap(3);
    await openGate(dir, 'c0');
    await assert.rejects(getResult(futures, { timeoutMs: 100 }), (error: unknown) => {
      assert.ok(error instanceof TimeoutError, String(error));
      assert.match(error.message, /2 calls still running/);
      assert.ok(error.message.includes(futures[1]!.key) && error.message.includes(futures[2]!.key), error.message);
      assert.ok(!error.message.includes(futures[0]!.key), error.message);
      return true;
    });
    await assert.rejects(futures[1]!.result({ timeoutMs: 10 }), TimeoutError);
    await openGate(dir, 'all');
    assert.equal((await getResult(futures)).length, 3);
  });

  it('an aborted signal stops the wait with an AbortedError, not the calls', async () => {
    const { dir, futures } = await gatedMap(2);
    const controller = new AbortController();
    const waiting = wait(futures, { signal: controller.signal });
    controller.abort(new Error('the user gave up'));
    await assert.rejects(waiting, (error: unknown) => error instanceof AbortedError && /the user gave up/.test(error.message));
    await assert.rejects(getResult(futures, { signal: AbortSignal.abort() }), AbortedError);
    await openGate(dir, 'all');
    assert.equal((await getResult(futures)).length, 2);
  });

  it('getResult rejects with the failed call\'s error at once, and with throwOnError false settles every call', async () => {
    const { dir, futures } = await gatedMap(2);
    const failing = fexec.callAsync(gated, { id: 'bad', dir: join(dir, 'missing', 'dir') });
    await assert.rejects(getResult([...futures, failing]), (error: unknown) => {
      assert.ok(error instanceof Error && error.name === 'FunctionError', String(error));
      assert.ok(error.message.includes(failing.key), error.message);
      return true;
    });
    assert.equal(futures[0]!.done, false, 'it did not wait for the running calls');
    await openGate(dir, 'all');
    const settled = await getResult([...futures, failing], { throwOnError: false });
    assert.deepEqual(settled.map((s) => s.status), ['succeeded', 'succeeded', 'failed']);
  });
});
