import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ConcurrentExecutor } from '../../executors/index.js';
import { LocalPlatform } from '../../platforms/local/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { ConfigError, deployable, type Deployment, type Invocation } from '../../src/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';

const code = deployable({ runtime: 'nodejs:20', code: { source: 'x' }, memoryMB: 256 });
/** Every fourth input needs 900 MB; the rest fit in 100. */
const memoryNeededMB = (input: unknown): number => ((input as { n: number }).n % 4 === 0 ? 900 : 100);

async function run(memoryRetry?: { maxMB: number }) {
  const platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 1 }, memoryNeededMB });
  const driver = new PlanDriver([{ id: 'main', invocations: inputs(40) }], code);
  const removed: Deployment[] = [];
  driver.events.on('remove', ({ deployment }) => void removed.push(deployment));
  const result = await driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 8 }), ...(memoryRetry ? { memoryRetry } : {}) });
  const byId = new Map(result.phases[0]!.invocations.map((invocation) => [invocation.id, invocation]));
  return { phase: result.phases[0]!, byId, removed, platform };
}

describe('out-of-memory retry with more memory', () => {
  it('retries an invocation that ran out of memory on twice the memory, then twice that, and the record says so', async () => {
    const { phase, byId, removed, platform } = await run({ maxMB: 1024 });
    assert.deepEqual(phase.counts, { succeeded: 40, failed: 0, aborted: 0 });
    const hungry = byId.get('i0')!;
    assert.deepEqual(
      hungry.attempts.map((a) => ({ memoryMB: a.memoryMB, outOfMemory: a.outOfMemory, errorClass: a.errorClass })),
      [
        { memoryMB: undefined, outOfMemory: true, errorClass: 'function' },
        { memoryMB: 512, outOfMemory: true, errorClass: 'function' },
        { memoryMB: 1024, outOfMemory: undefined, errorClass: undefined },
      ],
    );
    assert.equal(byId.get('i1')!.attempts.length, 1, 'an invocation that fits runs once');
    // The bigger deployments were made once each, shared by the ten hungry invocations, and removed with the phase's own.
    assert.deepEqual(removed.map((d) => d.memoryMB).sort((a, b) => a - b), [256, 512, 1024]);
    for (const deployment of removed) assert.equal(await platform.fetchDeployment(deployment.name), undefined);
  });

  it('stops at the limit the user set: the invocation fails for memory, its last attempt on the most it may have', async () => {
    const { phase, byId } = await run({ maxMB: 600 });
    assert.deepEqual(phase.counts, { succeeded: 30, failed: 10, aborted: 0 });
    const hungry: Invocation = byId.get('i4')!;
    assert.equal(hungry.status, 'failed');
    assert.match(hungry.error!.message, /needs 900 MB, its deployment .* has 512 MB/);
    assert.deepEqual(hungry.attempts.map((a) => a.memoryMB), [undefined, 512]);
  });

  it('is off unless asked for: an out-of-memory failure is final', async () => {
    const { phase, byId } = await run();
    assert.deepEqual(phase.counts, { succeeded: 30, failed: 10, aborted: 0 });
    assert.equal(byId.get('i0')!.attempts.length, 1);
  });

  it('rejects a limit that is not a memory size', async () => {
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(1) }], code);
    await assert.rejects(
      driver.run({ platform: new SimulatedPlatform(), executor: new ConcurrentExecutor(), memoryRetry: { maxMB: 100.5 } }),
      (e) => e instanceof ConfigError && /memoryRetry: option "maxMB": must be a whole number of MB/.test(e.message),
    );
  });

  describe('on the local platform', () => {
    const local = new LocalPlatform({ isolation: 'process' });
    after(() => local.close());

    it('a function whose heap outgrows 128 MB runs again with 256 MB and succeeds', async () => {
      const source = 'exports.main = (args) => { const hoard = []; for (let i = 0; i < args.mb; i++) hoard.push(new Array(131072).fill(i + 0.5)); return { held: hoard.length }; };';
      const small = deployable({ runtime: 'nodejs:20', code: { source }, memoryMB: 128, timeoutMs: 30_000 });
      const driver = new PlanDriver([{ id: 'main', invocations: [{ input: { mb: 160 } }] }], small);
      const result = await driver.run({ platform: local, executor: new ConcurrentExecutor({ concurrency: 1 }), memoryRetry: { maxMB: 512 } });
      const [invocation] = result.phases[0]!.invocations;
      assert.equal(invocation!.status, 'succeeded', invocation!.error?.message);
      assert.deepEqual(invocation!.output, { held: 160 });
      assert.deepEqual(invocation!.attempts.map((a) => [a.memoryMB, a.outOfMemory]), [[undefined, true], [256, undefined]]);
    });
  });
});
