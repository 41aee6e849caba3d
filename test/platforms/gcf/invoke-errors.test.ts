import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { AbortedError, deployable, FalcoError, FatalError, ThrottledError, TimeoutError, TransientError, type ErrorClass } from '../../../src/index.js';
import { GcfPlatform, type GcfDeployment } from '../../../platforms/gcf/index.js';
import type { Fault } from '../../doubles/gcf/model.js';
import { startTestbed, type GcfTestbed } from './setup.js';

const SLEEPER = `
function main(args) {
  if (args.sleepMs) return new Promise((resolve) => setTimeout(() => resolve({ slept: args.sleepMs }), args.sleepMs));
  return { ok: true };
}`;

const call = { invocationId: 'i', attempt: 1 };

describe('gcf: how invocation failures map to the error taxonomy', { timeout: 120_000 }, () => {
  let bed: GcfTestbed;
  let platform: GcfPlatform;
  let deployment: GcfDeployment;
  /** Every error the adapter threw here, and every private key in play: checked at the end. */
  const seen: unknown[] = [];
  const privateKeys: string[] = [];

  async function failure(promise: Promise<unknown>): Promise<FalcoError> {
    const error = await promise.then(
      () => assert.fail('expected the call to fail'),
      (reason: unknown) => reason,
    );
    seen.push(error);
    assert.ok(error instanceof FalcoError, `expected a FalcoError, got ${inspect(error)}`);
    return error;
  }

  async function injected(fault: Fault, platformToUse = platform): Promise<FalcoError> {
    bed.double.injectFaults(deployment.name, fault);
    return failure(platformToUse.invoke(deployment, {}, call));
  }

  async function until(condition: () => Promise<boolean>): Promise<void> {
    while (!(await condition())) await sleep(20);
  }

  before(async () => {
    bed = await startTestbed();
    privateKeys.push(bed.account.credentials.private_key ?? '');
    platform = new GcfPlatform(bed.options);
    deployment = await platform.deploy(
      deployable({ runtime: 'nodejs:20', code: { source: SLEEPER }, name: 'errors', maxInstances: 2, timeoutMs: 20_000 }),
    );
  });
  after(async () => {
    await platform.close();
    await bed.double.stop();
  });

  test('429 is throttled, and its Retry-After is kept', async () => {
    const error = await injected({ status: 429, headers: { 'retry-after': '7' }, body: 'Rate exceeded.' });
    assert.ok(error instanceof ThrottledError);
    assert.equal(error.retryAfterMs, 7000);
    assert.match(error.message, /answered HTTP 429: Rate exceeded\./);
    assert.deepEqual(error.cause, { status: 429, body: 'Rate exceeded.' });
  });

  test('500, 502 and 503 without the wrapper’s error body are transient; 504 and 408 are timeouts', async () => {
    const classes: [number, ErrorClass][] = [
      [500, 'transient'],
      [502, 'transient'],
      [503, 'transient'],
      [504, 'timeout'],
      [408, 'timeout'],
    ];
    for (const [status, errorClass] of classes) {
      const error = await injected({ status, body: '<html><body>Service Unavailable</body></html>' });
      assert.equal(error.errorClass, errorClass, `HTTP ${status}`);
      assert.match(error.message, new RegExp(`answered HTTP ${status}: Service Unavailable$`));
    }
  });

  test('401, 403 and 404 answers are fatal', async () => {
    for (const status of [401, 403, 404]) {
      const error = await injected({ status });
      assert.ok(error instanceof FatalError, `HTTP ${status}`);
    }
  });

  test('a reset connection is transient, with the network error as cause', async () => {
    const error = await injected({ reset: true });
    assert.ok(error instanceof TransientError);
    assert.ok(error.cause instanceof Error);
  });

  test('a call past the instance cap is refused with 429: throttled', async () => {
    const busy = [platform.invoke(deployment, { sleepMs: 3000 }, call), platform.invoke(deployment, { sleepMs: 3000 }, call)];
    await until(async () => (await bed.double.function(deployment.name))?.inFlight === 2);
    const error = await failure(platform.invoke(deployment, {}, call));
    assert.ok(error instanceof ThrottledError);
    assert.match(error.message, /no available instance/);
    assert.deepEqual((await Promise.all(busy)).map((result) => result.output), [{ slept: 3000 }, { slept: 3000 }]);
  });

  test('a function that outlives its timeout is cut off by the platform (504): timeout', async () => {
    const slow = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: SLEEPER }, name: 'slow', timeoutMs: 1000 }));
    try {
      const error = await failure(platform.invoke(slow, { sleepMs: 5000 }, call));
      assert.ok(error instanceof TimeoutError);
      assert.match(error.message, /answered HTTP 504: upstream request timeout/);
    } finally {
      await platform.remove(slow);
    }
  });

  test('aborting a call in flight rejects it with the abort reason and closes the request', async () => {
    const controller = new AbortController();
    const calls = (): number => bed.double.requests.filter((request) => request.path === new URL(deployment.uri).pathname).length;
    const before = calls();
    bed.double.injectFaults(deployment.name, { delayMs: 60_000 });
    const pending = failure(platform.invoke(deployment, {}, { ...call, signal: controller.signal }));
    await until(async () => calls() > before);
    const reason = new AbortedError('the phase was aborted');
    controller.abort(reason);
    assert.equal(await pending, reason);
    assert.deepEqual((await platform.invoke(deployment, {}, call)).output, { ok: true }, 'the next call goes through');
  });

  test('an identity without the invoker role gets 403: fatal', async () => {
    const denied = bed.double.serviceAccount();
    privateKeys.push(denied.credentials.private_key ?? '');
    bed.double.tokens.denyInvoker(denied.email);
    const other = new GcfPlatform({ ...bed.options, credentials: denied.credentials });
    try {
      const error = await failure(other.invoke(deployment, {}, call));
      assert.ok(error instanceof FatalError);
      assert.match(error.message, /answered HTTP 403: 403 Forbidden/);
    } finally {
      await other.close();
    }
  });

  test('a key the token endpoint refuses is fatal, and the message says why', async () => {
    const unknown = bed.double.serviceAccount();
    privateKeys.push(unknown.credentials.private_key ?? '');
    bed.double.tokens.forget(unknown.email);
    const other = new GcfPlatform({ ...bed.options, credentials: unknown.credentials });
    try {
      const error = await failure(other.invoke(deployment, {}, call));
      assert.ok(error instanceof FatalError);
      assert.match(error.message, /getting an identity token to call function "falco-errors-[0-9a-f]{8}" failed: invalid_grant: Invalid JWT Signature\./);
    } finally {
      await other.close();
    }
  });

  test('an ID token that no longer verifies gets 401: fatal', async () => {
    assert.deepEqual((await platform.invoke(deployment, {}, call)).output, { ok: true });
    bed.double.tokens.revokeIdTokens();
    const error = await failure(platform.invoke(deployment, {}, call));
    assert.ok(error instanceof FatalError);
    assert.match(error.message, /answered HTTP 401: 401 Unauthorized/);
  });

  test('a function deleted behind falco’s back answers 404: fatal', async () => {
    await bed.double.deleteDirectly(deployment.name);
    const error = await failure(platform.invoke(deployment, {}, call));
    assert.ok(error instanceof FatalError);
    assert.match(error.message, /answered HTTP 404: Error: Page not found/);
  });

  test('no error, message or cause carries a private key, an assertion or an identity token', () => {
    assert.ok(seen.length >= 15 && bed.double.tokens.issuedIdTokens.length > 0);
    const secrets = [...privateKeys.map((key) => key.slice(100, 160)), ...bed.double.tokens.issuedIdTokens];
    for (const error of seen) {
      const text = inspect(error, { depth: 10 });
      for (const secret of secrets) assert.ok(!text.includes(secret), `a secret appears in ${text.slice(0, 300)}`);
      assert.doesNotMatch(text, /eyJ[\w-]{10,}\.[\w-]{10,}/, 'no signed token of any kind');
    }
  });
});
