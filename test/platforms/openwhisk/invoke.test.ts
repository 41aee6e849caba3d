import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { AbortedError, ConfigError, deployable, DeploymentError, FunctionError } from '../../../src/index.js';
import { now, type InvokeResult } from '../../../src/spi.js';
import type { Activation } from '../../doubles/openwhisk/index.js';
import { call, nodeAction, PYTHON_DOUBLE, withDouble, within } from './helpers.js';

const SLEEPER = 'async function main(args) { await new Promise((r) => setTimeout(r, args.ms)); return { slept: args.ms }; }';

function annotation(activation: Activation | undefined, key: string): unknown {
  return activation?.annotations.find((a) => a.key === key)?.value;
}

describe('OpenWhiskPlatform invoke', () => {
  it('runs a nodejs action blocking: the input is the body, timings in ms, cold then warm', async () => {
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(nodeAction());
      const before = now();
      const first = await platform.invoke(deployment, { n: 1, text: 'a' }, call('first'));
      const after = now();
      assert.deepEqual(first.output, { echo: { n: 1, text: 'a' } });
      const post = double.requests.find((r) => r.method === 'POST');
      assert.deepEqual(post?.body, { n: 1, text: 'a' }, 'the request body is the input, not the invocation');
      assert.equal(post?.query.blocking, 'true');

      const record = double.activations.get(first.activationId!);
      assert.ok(record, 'the activation id is the one OpenWhisk gave');
      assert.equal(first.durationMs, record.duration, 'duration in milliseconds, as the activation says');
      assert.equal(first.coldStart, true);
      assert.equal(first.initDurationMs, annotation(record, 'initTime'));
      assert.ok(first.startedAt! >= before && first.startedAt! <= after, 'startedAt lies within the call, on falco\'s clock');

      const second = await platform.invoke(deployment, { n: 2 }, call('second'));
      assert.deepEqual(second.output, { echo: { n: 2 } });
      assert.equal(second.coldStart, false);
      assert.equal(second.initDurationMs, undefined);
      assert.equal(second.durationMs, double.activations.get(second.activationId!)?.duration);
    });
  });

  it('runs a python:3 action blocking, cold then warm', async () => {
    await withDouble(async (_double, platform) => {
      const deployment = await platform.deploy(deployable({ runtime: 'python:3', code: { source: PYTHON_DOUBLE }, name: 'py' }));
      const first = await platform.invoke(deployment, { n: 21 }, call('a'));
      const second = await platform.invoke(deployment, { n: 4 }, call('b'));
      assert.deepEqual([first.output, second.output], [{ doubled: 42 }, { doubled: 8 }]);
      assert.deepEqual([first.coldStart, second.coldStart], [true, false]);
      assert.equal(typeof first.initDurationMs, 'number');
    });
  });

  it('turns an action that throws into a FunctionError carrying its message and timings', async () => {
    await withDouble(async (_double, platform) => {
      const node = await platform.deploy(nodeAction({ code: { source: "function main() { throw new RangeError('n is out of range'); }" } }));
      await assert.rejects(platform.invoke(node, {}, call()), (error: unknown) => {
        assert.ok(error instanceof FunctionError, String(error));
        assert.equal(error.message, 'n is out of range');
        assert.equal(error.errorType, 'RangeError');
        assert.match(error.timings?.activationId ?? '', /^[0-9a-f]{32}$/);
        return true;
      });
      const python = await platform.deploy(
        deployable({ runtime: 'python:3', code: { source: 'def main(args):\n    raise ValueError("no such key")\n' }, name: 'pyfail' }),
      );
      await assert.rejects(platform.invoke(python, {}, call()), (error: unknown) => error instanceof FunctionError && /no such key/.test(error.message));
    });
  });

  it('reports an action that cannot load (a syntax error) as fatal, not as the function\'s error', async () => {
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(nodeAction({ code: { source: 'function main(args) { return {' } }));
      await assert.rejects(platform.invoke(deployment, {}, call()), (error: unknown) => {
        assert.ok(error instanceof DeploymentError, String(error));
        assert.match(error.message, /failed to initialise \(action developer error/);
        assert.match(error.message, new RegExp(deployment.name));
        return true;
      });
      const [activation] = double.activations.values();
      assert.equal(activation?.response.status, 'action developer error');
    });
  });

  it('reports an action that crashes at run time (a developer error after init) as the function\'s error', async () => {
    await withDouble(async (_double, platform) => {
      const deployment = await platform.deploy(nodeAction({ code: { source: 'function main(args) { return "not a dictionary"; }' } }));
      await assert.rejects(platform.invoke(deployment, {}, call()), (error: unknown) => {
        assert.ok(error instanceof FunctionError, String(error));
        assert.equal(error.errorType, 'ActionDeveloperError');
        assert.match(error.message, /did not return a dictionary/);
        return true;
      });
    });
  });

  it('polls the activation of a blocking call the server cut off with 202 until it is done', async () => {
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(nodeAction());
      double.inject({ type: 'cutOff' });
      double.inject({ type: 'delay', ms: 300 });
      const result = await within(30_000, platform.invoke(deployment, { n: 7 }, call()));
      assert.deepEqual(result.output, { echo: { n: 7 } });
      const polls = double.requests.filter((r) => r.path.includes('/activations/'));
      assert.ok(polls.some((r) => r.status === 404), 'polled while the activation was not ready (404)');
      assert.equal(polls.at(-1)?.status, 200);
      assert.equal(polls.at(-1)?.path.endsWith(result.activationId!), true);
    });
  });

  it('also polls when the server\'s own blocking wait runs out', async () => {
    await withDouble(
      async (_double, platform) => {
        const deployment = await platform.deploy(nodeAction({ code: { source: SLEEPER } }));
        const result = await within(30_000, platform.invoke(deployment, { ms: 400 }, call()));
        assert.deepEqual(result.output, { slept: 400 });
      },
      { double: { blockingWaitMs: 50 } },
    );
  });

  it('stops polling a cut-off call when the caller aborts', async () => {
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(nodeAction({ code: { source: SLEEPER } }));
      double.inject({ type: 'cutOff' });
      const controller = new AbortController();
      const pending = platform.invoke(deployment, { ms: 10_000 }, call('slow', controller.signal));
      await delay(300);
      controller.abort(new Error('phase stopped'));
      await assert.rejects(within(5_000, pending), AbortedError);
      const polls = double.requests.filter((r) => r.path.includes('/activations/')).length;
      await delay(500);
      assert.equal(double.requests.filter((r) => r.path.includes('/activations/')).length, polls, 'no poll after the abort');
    });
  });

  it('cuts off a blocking invoke in flight when the caller aborts, and leaves no listener on a signal it shares', async () => {
    await withDouble(async (_double, platform) => {
      const deployment = await platform.deploy(nodeAction({ code: { source: SLEEPER } }));
      const shared = new AbortController();
      for (let n = 0; n < 20; n++) await platform.invoke(deployment, { ms: 0 }, call(`quick-${n}`, shared.signal));
      assert.equal(getEventListeners(shared.signal, 'abort').length, 0, 'each request removes its abort listener when it ends');

      const controller = new AbortController();
      const started = now();
      const pending = platform.invoke(deployment, { ms: 10_000 }, call('slow', controller.signal));
      await delay(300);
      controller.abort(new Error('phase stopped'));
      await assert.rejects(within(5_000, pending), AbortedError);
      assert.ok(now() - started < 5_000, 'the request ended at the abort, not when the action did');
      assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
      const after = await platform.invoke(deployment, { ms: 0 }, call('after'));
      assert.deepEqual(after.output, { slept: 0 }, 'the pool still serves requests after an aborted one');
    });
  });

  it('reads an answer that arrives in many chunks whole', async () => {
    await withDouble(async (_double, platform) => {
      const deployment = await platform.deploy(nodeAction({ code: { source: "function main(args) { return { text: 'é'.repeat(args.n) }; }" } }));
      const result = await platform.invoke<{ text: string }>(deployment, { n: 1_000_000 }, call());
      assert.equal(result.output.text.length, 1_000_000);
      assert.equal(result.output.text, 'é'.repeat(1_000_000), 'a character split across chunks is decoded once whole');
    });
  });

  it('submits without blocking and collects the result with poll (undefined until it is ready)', async () => {
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(nodeAction());
      double.inject({ type: 'delay', ms: 300 });
      const submission = await platform.submit(deployment, { n: 3 }, call());
      assert.match(submission.activationId, /^[0-9a-f]{32}$/);
      assert.equal(double.requests.find((r) => r.method === 'POST')?.query.blocking, 'false');
      assert.equal(await platform.poll(deployment, submission), undefined);
      let result: InvokeResult | undefined;
      for (let i = 0; i < 200 && !result; i++) {
        await delay(50);
        result = await platform.poll(deployment, submission);
      }
      assert.deepEqual(result?.output, { echo: { n: 3 } });
      assert.equal(result?.activationId, submission.activationId);
      assert.equal(result?.durationMs, double.activations.get(submission.activationId)?.duration);
    });
  });

  it('refuses an input that is not a JSON object, before any request', async () => {
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(nodeAction());
      await assert.rejects(platform.invoke(deployment, [1, 2], call()), ConfigError);
      await assert.rejects(platform.invoke(deployment, 'text', call()), ConfigError);
      assert.equal(double.requests.filter((r) => r.method === 'POST').length, 0);
    });
  });

  it('reuses keep-alive connections instead of opening one per call', async () => {
    await withDouble(
      async (double, platform) => {
        const deployment = await platform.deploy(nodeAction());
        for (let i = 0; i < 5; i++) await platform.invoke(deployment, { i }, call(`s${i}`));
        assert.ok(double.invokeConnections <= 2, `5 calls one after another reuse their sockets (got ${double.invokeConnections})`);
        await Promise.all(Array.from({ length: 12 }, (_, i) => platform.invoke(deployment, { i }, call(`p${i}`))));
        assert.ok(double.invokeConnections <= 3, `at most 3 sockets for invokes (got ${double.invokeConnections})`);
        assert.deepEqual(platform.defaultCongestion, { kind: 'aimd', max: 3 }, 'executors pace by default within the sockets');
      },
      { platform: { concurrency: 3 } },
    );
  });
});
