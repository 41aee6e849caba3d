import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { now, ThrottledError } from '../../../src/index.js';
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

  it('runs concurrent calls on separate instances, up to the cap, and throttles past it', async () => {
    const deployment = await platform.deploy(js(WHO_JS, { maxInstances: 2 }));
    const slow = [call<Who>(platform, deployment, { sleep: 300 }), call<Who>(platform, deployment, { sleep: 300 })];
    await assert.rejects(call(platform, deployment), ThrottledError);
    const [a, b] = await Promise.all(slow);
    assert.notEqual(a?.output.id, b?.output.id);
    const again = await call<Who>(platform, deployment);
    assert.equal(again.coldStart, false);
    assert.ok([a?.output.id, b?.output.id].includes(again.output.id));
    await platform.remove(deployment);
  });

  it("lets the deployable's maxInstances override the platform's default", async () => {
    const small = new LocalPlatform({ maxInstances: 1 });
    try {
      const capped = await small.deploy(js(WHO_JS));
      const running = call(small, capped, { sleep: 200 });
      await assert.rejects(call(small, capped), ThrottledError);
      await running;
      const wider = await small.deploy(js(WHO_JS, { maxInstances: 2 }));
      await Promise.all([call(small, wider, { sleep: 100 }), call(small, wider, { sleep: 100 })]);
    } finally {
      await small.close();
    }
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
