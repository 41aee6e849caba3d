import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { BroadcastChannel } from 'node:worker_threads';
import { after, describe, it } from 'node:test';
import { ConfigError, type Deployable, type Deployment, FatalError, FunctionError } from '../../../src/index.js';
import { type InvokeResult, type Submission } from '../../../src/spi.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { call, delay, eventually, js, lines, processExists, py } from './helpers.js';

const platform = new LocalPlatform();
after(() => platform.close());

const SLEEPER_JS = 'exports.main = async (args) => { await new Promise((r) => setTimeout(r, args.sleep ?? 0)); return { slept: args.sleep ?? 0 }; };';

describe('local platform: deployments', () => {
  it('checks its options, naming the wrong one', () => {
    assert.throws(() => new LocalPlatform({ maxInstances: 0 }), (error: unknown) => error instanceof ConfigError && /maxInstances/.test(error.message));
    assert.throws(() => new LocalPlatform({ logs: 'pipe' as 'ignore' }), (error: unknown) => error instanceof ConfigError && /logs/.test(error.message));
  });

  it('refuses an unknown runtime with a ConfigError', async () => {
    const ruby: Deployable = { ...js('exports.main = () => 1;'), runtime: 'ruby:3' };
    await assert.rejects(platform.deploy(ruby), (error: unknown) => error instanceof ConfigError && /unknown runtime "ruby:3"/.test(error.message));
  });

  it('names deployments falco-<name>-<8 hex> and finds live ones', async () => {
    const deployment = await platform.deploy(js('exports.main = () => 1;', { name: 'finder', memoryMB: 128, timeoutMs: 5_000 }));
    assert.match(deployment.name, /^falco-finder-[0-9a-f]{8}$/);
    assert.deepEqual(deployment, { name: deployment.name, platform: 'local', runtime: 'nodejs:20', memoryMB: 128, timeoutMs: 5_000, idempotent: true });
    assert.equal(await platform.fetchDeployment(deployment.name), deployment);
    assert.equal(await platform.fetchDeployment('falco-nothing-00000000'), undefined);
    await platform.remove(deployment);
    assert.equal(await platform.fetchDeployment(deployment.name), undefined);
  });

  it('remove ends every worker, fails calls in flight and refuses later calls', async () => {
    const channelName = `falco-local-heartbeat-${process.pid}`;
    const source = `const { BroadcastChannel } = require("node:worker_threads");\nconst channel = new BroadcastChannel(${JSON.stringify(channelName)});\nsetInterval(() => channel.postMessage(1), 5);\n${SLEEPER_JS}`;
    const listener = new BroadcastChannel(channelName);
    let beats = 0;
    listener.onmessage = () => {
      beats++;
    };
    try {
      const deployment = await platform.deploy(js(source));
      await Promise.all([call(platform, deployment), call(platform, deployment)]);
      const inFlight = call(platform, deployment, { sleep: 10_000 }).catch((error: unknown) => error);
      await eventually(() => beats > 0, 5_000, 'the workers beat');
      await platform.remove(deployment);
      const error = await inFlight;
      assert.ok(error instanceof FatalError && /was removed/.test(error.message), String(error));
      beats = 0;
      await delay(150);
      assert.equal(beats, 0, 'no worker is left running');
      await assert.rejects(call(platform, deployment), (error: unknown) => error instanceof FatalError && error.message.includes(deployment.name));
    } finally {
      listener.close();
    }
  });

  it('remove kills and reaps every python process and deletes the code', async () => {
    const source = lines('import os, time', 'def main(args):', '    time.sleep(args.get("sleep", 0))', '    return {"pid": os.getpid(), "cwd": os.getcwd()}');
    const deployment = await platform.deploy(py(source, { maxInstances: 2 }));
    const results = await Promise.all([call<{ pid: number; cwd: string }>(platform, deployment), call<{ pid: number; cwd: string }>(platform, deployment)]);
    const inFlight = call(platform, deployment, { sleep: 10 }).catch((error: unknown) => error);
    const pids = results.map((result) => result.output.pid);
    assert.equal(new Set(pids).size, 2);
    assert.ok(pids.every(processExists));
    await platform.remove(deployment);
    assert.ok((await inFlight) instanceof FatalError);
    assert.deepEqual(pids.filter(processExists), [], 'no python process, zombie or not, is left');
    await assert.rejects(access(results[0]?.output.cwd ?? ''), 'the temp code dir is gone');
    await assert.rejects(call(platform, deployment), (error: unknown) => error instanceof FatalError && error.message.includes(deployment.name));
  });

  it('remove of an unknown deployment does nothing', async () => {
    const deployment = await platform.deploy(js('exports.main = () => 1;'));
    await platform.remove(deployment);
    await platform.remove(deployment);
  });
});

/** Polls until the submitted call has finished: its result, or the error it threw. */
async function collect(deployment: Deployment, submission: Submission): Promise<InvokeResult> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const result = await platform.poll(deployment, submission);
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error('the submitted call did not finish within 5 s');
    await delay(20);
  }
}

describe('local platform: submit and poll', () => {
  it('runs a submitted call and keeps its result until polled once', async () => {
    const deployment = await platform.deploy(js(SLEEPER_JS));
    const submission = await platform.submit(deployment, { sleep: 200 }, { invocationId: 's', attempt: 1 });
    assert.equal(typeof submission.activationId, 'string');
    assert.equal(await platform.poll(deployment, submission), undefined, 'still running');
    const result = await collect(deployment, submission);
    assert.deepEqual(result.output, { slept: 200 });
    assert.equal(result.activationId, submission.activationId);
    assert.equal(result.coldStart, true);
    await assert.rejects(platform.poll(deployment, submission), FatalError, 'a result is collected once');
    await assert.rejects(platform.poll(deployment, { activationId: 'no-such-activation' }), (error: unknown) => error instanceof FatalError && /no-such-activation/.test(error.message));
    await platform.remove(deployment);
  });

  it('polls a failed call as its error; a submit past the cap waits for the instance', async () => {
    const deployment = await platform.deploy(js('exports.main = async (args) => { await new Promise((r) => setTimeout(r, args.sleep)); throw new RangeError("too far"); };', { maxInstances: 1 }));
    const submissions = await Promise.all([100, 0].map((sleep) => platform.submit(deployment, { sleep }, { invocationId: 's', attempt: 1 })));
    for (const submission of submissions) {
      await assert.rejects(collect(deployment, submission), (error: unknown) => error instanceof FunctionError && error.message === 'too far' && error.errorType === 'RangeError');
    }
    await platform.remove(deployment);
  });

  it('fails a submitted call whose deployment is removed', async () => {
    const deployment = await platform.deploy(js(SLEEPER_JS));
    const submission = await platform.submit(deployment, { sleep: 10_000 }, { invocationId: 's', attempt: 1 });
    await platform.remove(deployment);
    await assert.rejects(collect(deployment, submission), (error: unknown) => error instanceof FatalError && /was removed/.test(error.message));
  });
});

describe('local platform: close', () => {
  it('is idempotent and refuses deploys afterwards', async () => {
    const own = new LocalPlatform();
    const deployment = await own.deploy(js('exports.main = () => ({});'));
    await call(own, deployment);
    await own.close();
    await own.close();
    await assert.rejects(own.deploy(js('exports.main = () => 1;')), FatalError);
    await assert.rejects(call(own, deployment), FatalError);
  });
});
