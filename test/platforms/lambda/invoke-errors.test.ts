import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { ConcurrentExecutor } from '../../../executors/concurrent.js';
import { LambdaPlatform, PayloadTooLargeError, SYNC_PAYLOAD_LIMIT_BYTES } from '../../../platforms/lambda/index.js';
import {
  AbortedError,
  DeploymentError,
  FalcoError,
  FatalError,
  FunctionError,
  ThrottledError,
  TimeoutError,
  TransientError,
  type Deployment,
} from '../../../src/index.js';
import { createInvocations } from '../../../src/spi.js';
import { FAKE_CREDENTIALS, freePort } from '../../doubles/moto.js';
import { errorReply, FakeLambdaApi, HANG, INVOKE_PATH, type Reply } from './fake-lambda-api.js';

const SECRET = FAKE_CREDENTIALS.secretAccessKey;

const DEPLOYMENT: Deployment = {
  name: 'falco-fake-0000abcd',
  platform: 'lambda',
  runtime: 'nodejs:20',
  memoryMB: 128,
  timeoutMs: 3_000,
  idempotent: true,
};

const base64 = (text: string): string => Buffer.from(text).toString('base64');

const COLD_REPORT = base64(
  'START RequestId: r1\nEND RequestId: r1\n' +
    'REPORT RequestId: r1\tDuration: 41.50 ms\tBilled Duration: 42 ms\tMemory Size: 128 MB\tMax Memory Used: 80 MB\tInit Duration: 210.00 ms\t\n',
);

function invoked(body: unknown, headers: Record<string, string> = {}): Reply {
  return { status: 200, headers: { 'X-Amz-Executed-Version': '$LATEST', ...headers }, body: JSON.stringify(body) };
}

/** Checks the error's class, that the SDK's error is its cause, and that no secret shows anywhere. */
function expectFailure<E extends FalcoError>(
  type: abstract new (...args: never[]) => E,
  check: (error: E) => void = () => undefined,
): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${inspect(error)}`);
    check(error);
    assert.ok(!error.message.includes(SECRET), 'the message holds the secret key');
    assert.ok(!inspect(error, { depth: Infinity, showHidden: true }).includes(SECRET), 'the error holds the secret key');
    return true;
  };
}

describe('Lambda invoke against a loopback double of the API', () => {
  let api: FakeLambdaApi;
  let platform: LambdaPlatform;
  const call = (input: unknown = { n: 1 }, signal?: AbortSignal) =>
    platform.invoke(DEPLOYMENT, input, { invocationId: 'inv', attempt: 1, ...(signal ? { signal } : {}) });

  before(async () => {
    api = await FakeLambdaApi.start();
  });
  after(async () => {
    await api.stop();
  });
  beforeEach(() => {
    platform = new LambdaPlatform({
      endpoint: api.endpoint,
      region: 'eu-west-1',
      credentials: FAKE_CREDENTIALS,
      roleArn: 'arn:aws:iam::123456789012:role/test',
      logTail: true,
    });
    api.requests.length = 0;
  });
  afterEach(async () => {
    await platform.close();
  });

  it('sends the input as a RequestResponse call and reads output, request id and REPORT line', async () => {
    api.route('POST', INVOKE_PATH, invoked({ sum: 3 }, { 'X-Amz-Log-Result': COLD_REPORT }));
    const result = await call({ a: 1, b: 2 });
    assert.deepEqual(result, {
      output: { sum: 3 },
      activationId: api.lastRequestId,
      durationMs: 41.5,
      billedDurationMs: 42,
      memoryUsedMB: 80,
      initDurationMs: 210,
      coldStart: true,
    });
    const [request] = api.requests;
    assert.equal(request?.path, `/2015-03-31/functions/${DEPLOYMENT.name}/invocations`);
    assert.equal(request?.headers['x-amz-invocation-type'], 'RequestResponse');
    assert.equal(request?.headers['x-amz-log-type'], 'Tail');
    assert.deepEqual(JSON.parse(request?.body ?? ''), { a: 1, b: 2 });
  });

  it('keeps at most maxSockets connections open, and reuses them', async () => {
    await platform.close();
    platform = new LambdaPlatform({ endpoint: api.endpoint, region: 'eu-west-1', credentials: FAKE_CREDENTIALS, maxSockets: 2 });
    api.route('POST', INVOKE_PATH, invoked('ok'));
    const before = api.connections;
    const batch = () => Promise.all(Array.from({ length: 6 }, (_, n) => call({ n })));
    assert.equal((await batch()).length, 6);
    assert.ok(api.connections - before <= 2, `${api.connections - before} connections for maxSockets 2`);
    const afterFirst = api.connections;
    await batch();
    assert.equal(api.connections, afterFirst, 'the second batch reused the kept-alive sockets');
  });

  it('asks for no log tail unless told to', async () => {
    await platform.close();
    platform = new LambdaPlatform({ endpoint: api.endpoint, region: 'eu-west-1', credentials: FAKE_CREDENTIALS });
    api.route('POST', INVOKE_PATH, invoked('plain'));
    assert.deepEqual(await call(), { output: 'plain', activationId: api.lastRequestId });
    assert.equal(api.requests[0]?.headers['x-amz-log-type'], undefined);
  });

  it('passes on a result that is not JSON as text, and an empty one as undefined', async () => {
    api.route('POST', INVOKE_PATH, { status: 200, body: 'not json' }, { status: 200, body: '' });
    assert.equal((await call()).output, 'not json');
    assert.equal((await call()).output, undefined);
  });

  it('turns X-Amz-Function-Error into a function error with errorMessage, errorType and timings', async () => {
    api.route(
      'POST',
      INVOKE_PATH,
      invoked(
        { errorMessage: 'it broke', errorType: 'ActionError', trace: ['ActionError: it broke', '    at handler'] },
        { 'X-Amz-Function-Error': 'Unhandled', 'X-Amz-Log-Result': COLD_REPORT },
      ),
    );
    await assert.rejects(
      call(),
      expectFailure(FunctionError, (error) => {
        assert.equal(error.message, 'it broke');
        assert.equal(error.errorType, 'ActionError');
        assert.equal(error.errorClass, 'function');
        assert.equal(error.timings?.activationId, api.lastRequestId);
        assert.equal(error.timings?.durationMs, 41.5);
        assert.equal(error.timings?.coldStart, true);
      }),
    );
  });

  it('keeps a function error body that is not JSON as the message', async () => {
    api.route('POST', INVOKE_PATH, { status: 200, headers: { 'X-Amz-Function-Error': 'Handled' }, body: 'raw failure' });
    await assert.rejects(call(), expectFailure(FunctionError, (error) => {
      assert.equal(error.message, 'raw failure');
      assert.equal(error.errorType, undefined);
    }));
  });

  it('reports a function stopped at its time limit as a timeout', async () => {
    api.route(
      'POST',
      INVOKE_PATH,
      invoked({ errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: r1 Error: Task timed out after 3.00 seconds' }, { 'X-Amz-Function-Error': 'Unhandled' }),
    );
    await assert.rejects(call(), expectFailure(TimeoutError, (error) => assert.match(error.message, /timed out after 3\.00 seconds/)));
  });

  it('reports code that cannot start as a deployment error, which stops the phase', async () => {
    const failures = [
      { errorType: 'ActionLoadError', errorMessage: 'index.js does not define a function "main"' },
      { errorType: 'Runtime.ImportModuleError', errorMessage: "Error: Cannot find module 'left-pad'" },
    ];
    api.route('POST', INVOKE_PATH, ...failures.map((body) => invoked(body, { 'X-Amz-Function-Error': 'Unhandled' })));
    for (const { errorType } of failures) {
      await assert.rejects(call(), expectFailure(DeploymentError, (error) => {
        assert.equal(error.errorClass, 'fatal');
        assert.match(error.message, new RegExp(errorType.replace('.', '\\.')));
      }));
    }
  });

  it('maps 429 TooManyRequestsException to throttled, honouring Retry-After', async () => {
    api.route(
      'POST',
      INVOKE_PATH,
      errorReply(429, 'TooManyRequestsException', 'Rate Exceeded.', { 'Retry-After': '3' }),
      errorReply(429, 'TooManyRequestsException', 'Rate Exceeded.'),
    );
    await assert.rejects(call(), expectFailure(ThrottledError, (error) => {
      assert.equal(error.retryAfterMs, 3_000);
      assert.equal((error.cause as Error).name, 'TooManyRequestsException');
      assert.equal(error.timings?.activationId, api.lastRequestId);
      assert.match(error.message, /TooManyRequestsException: Rate Exceeded\./);
    }));
    await assert.rejects(call(), expectFailure(ThrottledError, (error) => assert.equal(error.retryAfterMs, undefined)));
  });

  it('maps service errors (5xx) to transient', async () => {
    api.route(
      'POST',
      INVOKE_PATH,
      errorReply(500, 'ServiceException', 'internal error'),
      errorReply(502, 'EC2UnexpectedException', 'network interface'),
      errorReply(503, 'ServiceUnavailableException', 'try later'),
    );
    for (const name of ['ServiceException', 'EC2UnexpectedException', 'ServiceUnavailableException']) {
      await assert.rejects(call(), expectFailure(TransientError, (error) => assert.equal((error.cause as Error).name, name)));
    }
  });

  it('maps a missing function, refused access and bad credentials to fatal', async () => {
    const refusals = [
      errorReply(404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:eu-west-1:123456789012:function:${DEPLOYMENT.name}`),
      errorReply(403, 'AccessDeniedException', 'User is not authorized to perform: lambda:InvokeFunction'),
      errorReply(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.'),
      errorReply(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.'),
      errorReply(413, 'RequestTooLargeException', 'Request must be smaller than 6291456 bytes for the InvokeFunction operation'),
    ];
    api.route('POST', INVOKE_PATH, ...refusals);
    for (const refusal of refusals) {
      const type = (refusal.headers ?? {})['x-amzn-ErrorType'];
      await assert.rejects(call(), expectFailure(FatalError, (error) => {
        assert.equal(error.errorClass, 'fatal');
        assert.equal((error.cause as Error).name, type);
      }));
    }
  });

  it('removes the secret key from a message even when the service repeats it', async () => {
    api.route('POST', INVOKE_PATH, errorReply(403, 'InvalidSignatureException', `signature for key ${SECRET} is wrong`));
    await assert.rejects(call(), (error: unknown) => {
      assert.ok(error instanceof FatalError);
      assert.match(error.message, /signature for key \*\*\* is wrong/);
      assert.ok(!String(error).includes(SECRET));
      return true;
    });
  });

  it('checks the 6 MB limit before calling', async () => {
    api.route('POST', INVOKE_PATH, invoked('fits'));
    const tooLarge = 'x'.repeat(SYNC_PAYLOAD_LIMIT_BYTES - 1);
    await assert.rejects(call(tooLarge), expectFailure(PayloadTooLargeError, (error) => {
      assert.equal(error.errorClass, 'fatal');
      assert.match(error.message, /invocation "inv".*6291457 bytes.*at most 6291456 bytes/);
    }));
    assert.equal(api.requests.length, 0);
    const fits = 'x'.repeat(SYNC_PAYLOAD_LIMIT_BYTES - 2);
    assert.equal((await call(fits)).output, 'fits');
  });

  it('maps a refused connection to transient', async () => {
    await platform.close();
    platform = new LambdaPlatform({ endpoint: `http://127.0.0.1:${await freePort()}`, region: 'eu-west-1', credentials: FAKE_CREDENTIALS });
    await assert.rejects(call(), expectFailure(TransientError, (error) => assert.match(error.message, /ECONNREFUSED|connect/)));
  });

  it('stops a call in flight when its signal aborts', async () => {
    api.route('POST', INVOKE_PATH, HANG);
    const controller = new AbortController();
    const pending = call({ n: 1 }, controller.signal);
    while (api.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await assert.rejects(pending, expectFailure(AbortedError));
  });

  it('gives the retry policy what it needs: throttles and 5xx retried, function errors final', async () => {
    api.route(
      'POST',
      INVOKE_PATH,
      errorReply(429, 'TooManyRequestsException', 'Rate Exceeded.', { 'Retry-After': '0' }),
      errorReply(500, 'ServiceException', 'internal error'),
      invoked({ n: 1 }),
      invoked({ errorMessage: 'bad', errorType: 'TypeError' }, { 'X-Amz-Function-Error': 'Unhandled' }),
    );
    const executor = new ConcurrentExecutor({ concurrency: 1, retry: { minDelayMs: 1, maxDelayMs: 1, jitter: false } });
    const run = async (id: string) => {
      const invocations = createInvocations('p', [{ id, input: { n: 1 } }]);
      return (await executor.execute({ id: 'p', invocations }, DEPLOYMENT, platform)).invocations[0];
    };
    const retried = await run('retried');
    const failed = await run('failed');
    assert.equal(retried?.status, 'succeeded');
    assert.deepEqual(retried?.output, { n: 1 });
    assert.deepEqual(retried?.attempts.map((attempt) => attempt.errorClass), ['throttled', 'transient', undefined]);
    assert.equal(failed?.status, 'failed');
    assert.deepEqual(failed?.error, { class: 'function', name: 'FunctionError', message: 'bad', type: 'TypeError' });
    assert.equal(failed?.attempts.length, 1);
  });
});
