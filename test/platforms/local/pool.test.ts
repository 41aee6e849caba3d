import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { defaultInstanceCap } from '../../../platforms/local/capacity.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { call, js } from './helpers.js';

const platform = new LocalPlatform();
after(() => platform.close());

const GiB = 1024 ** 3;

/** Remembers what it was told in its own globals and reports what it sees of the others'. */
const TENANT = [
  'const { threadId } = require("node:worker_threads");',
  'exports.main = (args) => {',
  '  const seen = globalThis.told;',
  '  if (args.tell) globalThis.told = args.tell;',
  '  return { id: threadId, seen: seen ?? null, env: process.env.TENANT ?? null };',
  '};',
].join('\n');

type Tenant = { id: number; seen: string | null; env: string | null };

describe('local platform: the pool', () => {
  it('never lets two deployables share an instance: their globals, environment and threads are their own', async () => {
    const a = await platform.deploy(js(TENANT, { env: { TENANT: 'a' } }));
    const b = await platform.deploy(js(TENANT, { env: { TENANT: 'b' } }));
    const toldA = await call<Tenant>(platform, a, { tell: 'secret of a' });
    const fromB = await call<Tenant>(platform, b, {});
    const againA = await call<Tenant>(platform, a, {});
    assert.notEqual(fromB.output.id, toldA.output.id);
    assert.deepEqual([fromB.output.seen, fromB.output.env], [null, 'b'], "b sees nothing of a's");
    assert.deepEqual([againA.output.id, againA.output.seen, againA.output.env], [toldA.output.id, 'secret of a', 'a'], "a's warm instance kept its own state");
    await Promise.all([platform.remove(a), platform.remove(b)]);
  });

  it('caps instances by CPUs and by the memory free, never below one', () => {
    assert.equal(defaultInstanceCap(256, { cpus: 4, freeBytes: 64 * GiB }), 4, 'CPUs bound it when memory is plenty');
    assert.equal(defaultInstanceCap(1024, { cpus: 8, freeBytes: 6 * GiB }), 3, 'half the free memory holds three 1 GiB functions');
    assert.equal(defaultInstanceCap(2048, { cpus: 8, freeBytes: GiB }), 1, 'one, even when memory holds none');
  });
});
