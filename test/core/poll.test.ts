import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pollUntil } from '../../src/poll.js';

describe('pollUntil', () => {
  it('checks until the answer is defined, after a wait unless checkFirst', async () => {
    for (const checkFirst of [false, true]) {
      const answers = [undefined, undefined, 'done'];
      let checks = 0;
      const answer = await pollUntil(async () => answers[checks++], { firstMs: 1, maxMs: 4, factor: 2, checkFirst });
      assert.equal(answer, 'done');
      assert.equal(checks, 3);
    }
  });

  it('rejects with a failing check at once', async () => {
    let checks = 0;
    const failure = new Error('the server said no');
    await assert.rejects(pollUntil(async () => { checks++; throw failure; }, { firstMs: 1, maxMs: 1, factor: 1 }), failure);
    assert.equal(checks, 1);
  });

  it('stops with the signal\'s reason during a wait, and checks no more', async () => {
    const controller = new AbortController();
    let checks = 0;
    const polling = pollUntil(async () => {
      checks++;
      setImmediate(() => controller.abort(new Error('stopped by the caller')));
      return undefined;
    }, { firstMs: 60_000, maxMs: 60_000, factor: 1, checkFirst: true }, controller.signal);
    await assert.rejects(polling, /stopped by the caller/);
    assert.equal(checks, 1);
  });
});
