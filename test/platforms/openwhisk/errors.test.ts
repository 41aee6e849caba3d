import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { ConcurrentExecutor } from '../../../executors/index.js';
import { FatalError, ThrottledError, TimeoutError, TransientError } from '../../../src/index.js';
import { createInvocations } from '../../../src/spi.js';
import { blackHole, call, closedPort, nodeAction, OpenWhiskPlatform, withDouble, within } from './helpers.js';

describe('OpenWhiskPlatform errors', () => {
  it('maps 429 to ThrottledError with the Retry-After hint, and retries succeed after it', async () => {
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(nodeAction());
      double.inject({
        type: 'status',
        status: 429,
        headers: { 'retry-after': '2' },
        body: { error: 'Too many requests in the last minute (count: 61, allowed: 60).', code: 'x' },
      });
      await assert.rejects(platform.invoke(deployment, {}, call()), (error: unknown) => {
        assert.ok(error instanceof ThrottledError, String(error));
        assert.equal(error.retryAfterMs, 2_000);
        assert.match(error.message, /HTTP 429.*Too many requests/);
        return true;
      });

      double.inject({ type: 'status', status: 429, headers: { 'retry-after': '0' }, times: 2 });
      const [invocation] = createInvocations('p', [{ id: 'x', input: { n: 1 } }]);
      const result = await new ConcurrentExecutor({ retry: { minDelayMs: 10, maxDelayMs: 50 } }).execute({ id: 'p', invocations: [invocation!] }, deployment, platform);
      assert.equal(result.invocations[0]?.status, 'succeeded');
      assert.deepEqual(result.invocations[0]?.attempts.map((a) => a.errorClass), ['throttled', 'throttled', undefined]);
    });
  });

  it('maps a gateway 502 (no activation in it) to TransientError', async () => {
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(nodeAction());
      double.inject({ type: 'status', status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
      await assert.rejects(platform.invoke(deployment, {}, call()), (error: unknown) => error instanceof TransientError && /HTTP 502/.test(error.message));
    });
  });

  it('maps a whisk internal error activation (HTTP 500) to TransientError', async () => {
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(nodeAction());
      const activation = { activationId: 'a'.repeat(32), name: deployment.name, duration: 3, response: { status: 'whisk internal error', success: false, result: { error: 'invoker lost' } } };
      double.inject({ type: 'status', status: 500, body: activation });
      await assert.rejects(platform.invoke(deployment, {}, call()), (error: unknown) => {
        assert.ok(error instanceof TransientError, String(error));
        assert.match(error.message, /internal error.*invoker lost/);
        assert.equal(error.timings?.activationId, 'a'.repeat(32));
        return true;
      });
    });
  });

  it('rejects a wrong token with a clear, fatal auth error that never shows the token, and no retry storm', async () => {
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(nodeAction());
      const wrongToken = '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:WRONGkeyWRONGkeyWRONGkeyWRONGkey';
      const intruder = new OpenWhiskPlatform({ host: double.url, token: wrongToken });
      try {
        const failure = await platform.invoke(deployment, {}, call()).then(() => intruder.invoke(deployment, {}, call())).catch((error: unknown) => error);
        assert.ok(failure instanceof FatalError, String(failure));
        assert.match(failure.message, /rejected the credentials \(HTTP 401\)/);
        for (const secret of [wrongToken, 'WRONGkeyWRONGkey', Buffer.from(wrongToken).toString('base64'), double.token]) {
          assert.ok(!inspect(failure, { depth: 8 }).includes(secret), 'the token appears neither in the message nor in the error chain');
        }

        const before = double.requests.length;
        const invocations = createInvocations('p', Array.from({ length: 20 }, (_, n) => ({ input: { n } })));
        const result = await new ConcurrentExecutor({ concurrency: 4 }).execute({ id: 'p', invocations }, deployment, intruder);
        assert.match(result.fatal?.message ?? '', /credentials/);
        const sent = double.requests.length - before;
        assert.ok(sent <= 4, `one try per call in flight at most (sent ${sent})`);
      } finally {
        await intruder.close();
      }
    });
  });

  it('fails fast with a clear error when nothing listens at the host', async () => {
    const port = await closedPort();
    const platform = new OpenWhiskPlatform({ host: `http://127.0.0.1:${port}`, token: 'uuid:key' });
    try {
      await assert.rejects(within(5_000, platform.deploy(nodeAction())), (error: unknown) => {
        assert.ok(error instanceof TransientError, String(error));
        assert.match(error.message, new RegExp(`cannot reach OpenWhisk at http://127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
        return true;
      });
    } finally {
      await platform.close();
    }
  });

  it('gives up on a host whose connect hangs, after the connect timeout', async () => {
    const hole = await blackHole();
    const platform = new OpenWhiskPlatform({ host: `http://127.0.0.1:${hole.port}`, token: 'uuid:key', connectTimeoutMs: 500 });
    try {
      await assert.rejects(within(5_000, platform.deploy(nodeAction())), (error: unknown) => {
        assert.ok(error instanceof TransientError, String(error));
        assert.match(error.message, /cannot reach OpenWhisk at http:\/\/127\.0\.0\.1:\d+ .*ETIMEDOUT: no connection within 500 ms/);
        return true;
      });
    } finally {
      await platform.close();
      await hole.close();
    }
  });

  it('gives up on a host that takes the connection but never answers, after the request timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as AddressInfo;
    const platform = new OpenWhiskPlatform({ host: `http://127.0.0.1:${port}`, token: 'uuid:key', requestTimeoutMs: 500 });
    try {
      await assert.rejects(within(5_000, platform.deploy(nodeAction())), (error: unknown) => {
        assert.ok(error instanceof TimeoutError, String(error));
        assert.match(error.message, /no answer from OpenWhisk at http:\/\/127\.0\.0\.1:\d+ within 500 ms/);
        return true;
      });
    } finally {
      await platform.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('calls a host name that does not resolve a fatal error', async () => {
    const platform = new OpenWhiskPlatform({ host: 'openwhisk.invalid', token: 'uuid:key' });
    try {
      await assert.rejects(within(10_000, platform.deploy(nodeAction())), (error: unknown) => {
        assert.ok(error instanceof FatalError, String(error));
        assert.match(error.message, /cannot find the OpenWhisk host https:\/\/openwhisk\.invalid/);
        return true;
      });
    } finally {
      await platform.close();
    }
  });
});
