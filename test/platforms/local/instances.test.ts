import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { availableParallelism, freemem } from 'node:os';
import { AbortedError, FatalError, ThrottledError } from '../../../src/index.js';
import { now } from '../../../src/spi.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { call, delay, eventually, js, processExists, py, WHO_JS, WHO_PY, type Who } from './helpers.js';

const platform = new LocalPlatform();
after(() => platform.close());

describe('local platform: instances', () => {
  for (const [language, source, make] of [['Node.js', WHO_JS, js], ['Python', WHO_PY, py]] as const) {
    it(`${language}: reuses a warm instance and flags only the first call as a cold start`, async () => {
      const deployment = await platform.deploy(make(source));
      const before = now();
      const first = await call<Who>(platform, deployment, { sleep: 30 });
      const after = now();
      const second = await call<Who>(platform, deployment);
      assert.equal(first.coldStart, true);
      assert.ok(first.initDurationMs !== undefined && first.initDurationMs > 0, 'a cold start reports its init duration');
      assert.ok(first.startedAt !== undefined && first.startedAt >= before && first.startedAt <= after, 'startedAt lies within the call, on falco\'s clock');
      assert.ok(first.durationMs !== undefined && first.durationMs >= 25, `main slept 30 ms, reported ${first.durationMs}`);
      assert.equal(second.coldStart, false);
      assert.equal(second.initDurationMs, undefined);
      assert.equal(second.output.id, first.output.id, 'the same instance ran both calls');
      assert.equal(second.output.calls, 2);
      assert.notEqual(second.activationId, first.activationId);
      await platform.remove(deployment);
    });
  }

  it('starts instances only as concurrent calls need them, up to the cap; a call past it waits for a free one, warm', async () => {
    const deployment = await platform.deploy(js(WHO_JS, { maxInstances: 3 }));
    const first = await call<Who>(platform, deployment);
    const second = await call<Who>(platform, deployment);
    assert.equal(second.output.id, first.output.id, 'calls one after the other share one instance');
    const deployment2 = await platform.deploy(js(WHO_JS, { maxInstances: 2 }));
    const results = await Promise.all([300, 300, 0].map((sleep) => call<Who>(platform, deployment2, { sleep })));
    const [a, b, waited] = results;
    assert.notEqual(a?.output.id, b?.output.id);
    assert.equal(waited?.coldStart, false, 'the third call waited for a warm instance');
    assert.ok([a?.output.id, b?.output.id].includes(waited?.output.id));
    await platform.remove(deployment);
    await platform.remove(deployment2);
  });

  it('throttles a call that found no free instance within maxWaitMs, and at once with maxWaitMs 0', async () => {
    for (const maxWaitMs of [50, 0]) {
      const small = new LocalPlatform({ maxInstances: 1, maxWaitMs });
      try {
        const capped = await small.deploy(js(WHO_JS));
        const running = call(small, capped, { sleep: 2_000 });
        await assert.rejects(call(small, capped), (error: unknown) => error instanceof ThrottledError && /all of its 1 instances/.test(error.message));
        await running;
        const wider = await small.deploy(js(WHO_JS, { maxInstances: 2 }));
        const both = await Promise.all([call<Who>(small, wider, { sleep: 100 }), call<Who>(small, wider, { sleep: 100 })]);
        assert.notEqual(both[0].output.id, both[1].output.id, "the deployable's maxInstances overrides the platform's");
      } finally {
        await small.close();
      }
    }
  });

  it('a waiting call ends with its signal, and with the deployment', async () => {
    const deployment = await platform.deploy(js(WHO_JS, { maxInstances: 1 }));
    const running = call(platform, deployment, { sleep: 2_000 }).catch((error: unknown) => error);
    const controller = new AbortController();
    const aborted = call(platform, deployment, {}, { signal: controller.signal });
    const removed = call(platform, deployment).catch((error: unknown) => error);
    controller.abort();
    await assert.rejects(aborted, (error: unknown) => error instanceof AbortedError && /while it waited for a free instance/.test(error.message));
    await platform.remove(deployment);
    for (const error of [await running, await removed]) assert.ok(error instanceof FatalError && /was removed/.test(error.message), String(error));
  });

  it('caps instances at the CPU count by default, and executors follow the cap', () => {
    const { defaultCongestion } = new LocalPlatform();
    assert.equal(defaultCongestion.kind, 'fixed');
    const cap = defaultCongestion.kind === 'fixed' ? defaultCongestion.concurrency : 0;
    const memoryAllows = Math.floor(freemem() / 2 / (256 * 1024 * 1024));
    assert.equal(cap, Math.max(1, Math.min(availableParallelism(), memoryAllows)));
    assert.deepEqual(new LocalPlatform({ maxInstances: 5 }).defaultCongestion, { kind: 'fixed', concurrency: 5 });
  });

  it('ends instances that stay idle longer than idleTimeoutMs', async () => {
    const quick = new LocalPlatform({ idleTimeoutMs: 100 });
    try {
      const nodeDeployment = await quick.deploy(js(WHO_JS));
      const pyDeployment = await quick.deploy(py(WHO_PY));
      const [first, pyFirst] = await Promise.all([call<Who>(quick, nodeDeployment), call<Who>(quick, pyDeployment)]);
      await eventually(() => !processExists(pyFirst.output.id), 5_000, 'the idle python process is gone');
      await delay(150); // timers fire in order: the worker's idle timer, armed earlier, has fired by then
      const second = await call<Who>(quick, nodeDeployment);
      assert.equal(second.coldStart, true);
      assert.notEqual(second.output.id, first.output.id);
    } finally {
      await quick.close();
    }
  });
});
