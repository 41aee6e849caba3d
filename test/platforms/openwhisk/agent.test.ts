import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpenWhiskAgent } from '../../../platforms/openwhisk/agent.js';
import { ThrottledError, TransientError } from '../../../src/index.js';
import { closedPort, nodeAction, OpenWhiskPlatform, withDouble } from './helpers.js';

describe('the OpenWhisk agent', () => {
  it('leaves node\'s http.Agent as it is: no private method is replaced', () => {
    const agent = new OpenWhiskAgent({ secure: false, maxSockets: 2, connectTimeoutMs: 1_000, insecure: false });
    try {
      assert.equal(Object.hasOwn(agent.agent, 'addRequest'), false);
    } finally {
      agent.destroy();
    }
  });

  it('hands the client\'s action requests the Retry-After of a 429 and the code of a refused connection', async () => {
    await withDouble(async (double, platform) => {
      double.inject({ type: 'status', status: 429, on: 'deploy', headers: { 'retry-after': '3' }, body: { error: 'Too many requests' } });
      await assert.rejects(platform.deploy(nodeAction()), (error: unknown) => {
        assert.ok(error instanceof ThrottledError, String(error));
        assert.equal(error.retryAfterMs, 3_000);
        return true;
      });
    });
    const port = await closedPort();
    const unreachable = new OpenWhiskPlatform({ host: `http://127.0.0.1:${port}`, token: 'uuid:key' });
    try {
      await assert.rejects(unreachable.deploy(nodeAction()), (error: unknown) => error instanceof TransientError && /ECONNREFUSED/.test(error.message));
    } finally {
      await unreachable.close();
    }
  });
});
