import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PipelineFailedError, type FinalState } from '../../../flows/index.js';
import { suiteCallbackServer } from './callback-server.js';
import { facesPipeline, QUERY_SECRET, TOKEN } from './faces.js';
import { suiteLocalPlatform } from './local-platform.js';

describe("Faasflow's README pipeline on the local platform", () => {
  const server = suiteCallbackServer();
  const platform = suiteLocalPlatform();

  for (const sync of [true, false]) {
    it(`runs modify → apply → modify → apply → apply → callback ${sync ? 'sync, in one phase' : 'async, a phase per async apply'}; the callback gets the result; finally runs once`, async () => {
      const finals: FinalState<unknown>[] = [];
      const faces = facesPipeline({ sync, callback: server.url(`/result-${sync}`), finals });
      const before = server.received.length;
      const { output, requestId } = await faces.run({ image: 'a face  and another face' }, { platform: platform() });

      assert.deepEqual(output, { image: 'A FACE AND ANOTHER FACE', colored: true });
      const callbacks = server.received.slice(before);
      assert.equal(callbacks.length, 1, 'one callback');
      assert.deepEqual(callbacks[0]!.body, output);
      assert.equal(callbacks[0]!.path, `/result-${sync}?id=${QUERY_SECRET}`);
      assert.equal(callbacks[0]!.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(callbacks[0]!.headers['x-falco-request-id'], requestId);
      assert.deepEqual(finals, [{ state: 'succeeded', requestId, output }]);

      const status = await faces.status(requestId);
      assert.equal(status?.state, 'succeeded');
      assert.equal(status?.phases, sync ? 1 : 4, 'an async apply ends its phase: [modify, facedetect] [modify, compress] [colorify] [callback]');
      assert.equal(status?.timings.length, status?.phases);
      assert.equal(status?.position, 6);
      assert.equal(status?.finally, 'done');
    });
  }

  it('a step that fails goes to onFailure, which may recover with data: the request succeeds with it, and no callback is sent', async () => {
    const finals: FinalState<unknown>[] = [];
    const seen: Error[] = [];
    const faces = facesPipeline({ sync: false, callback: server.url('/recovered'), finals, recover: (error) => (seen.push(error), { image: 'placeholder', colored: false }) });
    const before = server.received.length;
    const { output, requestId } = await faces.run({ image: 'a landscape' }, { platform: platform() });
    assert.deepEqual(output, { image: 'placeholder', colored: false });
    assert.match(seen[0]!.message, /no face in the image/);
    assert.equal(server.received.length, before, 'the callback after the failed step did not run');
    assert.deepEqual(finals, [{ state: 'succeeded', requestId, output }]);
  });

  it('a failure rethrown fails the request with an error naming the step; finally sees it', async () => {
    const finals: FinalState<unknown>[] = [];
    const faces = facesPipeline({ sync: true, callback: server.url('/failed'), finals });
    await assert.rejects(faces.run({ image: 'a landscape' }, { platform: platform(), requestId: 'no-face' }), (error: unknown) => {
      assert.ok(error instanceof PipelineFailedError);
      assert.match(error.message, /pipeline "faces", request "no-face": step 2 \(2\.modify\) failed: .*no face in the image/);
      return true;
    });
    assert.equal(finals.length, 1);
    assert.equal(finals[0]!.state, 'failed');
    assert.equal((await faces.status('no-face'))?.state, 'failed');
  });

  it('a callback answered with an error fails the request, and neither the header nor the query secret appears in any message or status', async () => {
    server.answer(500);
    try {
      const faces = facesPipeline({ sync: true, callback: server.url('/broken') });
      const error = await faces.run({ image: 'one face' }, { platform: platform(), requestId: 'broken-callback' }).then(
        () => assert.fail('the request should fail'),
        (failure: Error) => failure,
      );
      assert.match(error.message, /callback to http:\/\/127\.0\.0\.1:\d+\/broken answered HTTP 500/);
      const status = JSON.stringify(await faces.status('broken-callback'));
      for (const text of [error.message, String(error.cause), status]) {
        assert.ok(!text.includes(TOKEN) && !text.includes(QUERY_SECRET), `no secret in: ${text}`);
      }
    } finally {
      server.answer(200);
    }
  });
});
