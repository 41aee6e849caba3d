import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { EmbeddedState, StateTooLargeError } from '../../stores/index.js';

describe('embedded state', () => {
  it('refuses a write past the cap with an error naming the key and the cap, and keeps what it had', async () => {
    const state = new EmbeddedState({ maxBytes: 1_000 });
    await state.set('r1', 'small', 'x'.repeat(500));
    await assert.rejects(state.set('r1', 'image', 'x'.repeat(600)), (error: Error) => {
      assert.ok(error instanceof StateTooLargeError && error instanceof ConfigError);
      assert.match(error.message, /state key "image" would make the embedded state of request "r1" 1\d{3} bytes, past its cap of 1000 bytes/);
      return true;
    });
    await assert.rejects(state.compareAndSet('r1', 'image', undefined, 'x'.repeat(600)), StateTooLargeError);
    assert.deepEqual(Object.keys(await state.entries('r1')), ['small']);
    assert.equal(state.bytes('r1'), Buffer.byteLength(JSON.stringify({ small: 'x'.repeat(500) })));
    await state.set('r2', 'image', 'x'.repeat(600)); // the cap is per request
  });

  it('counts the cap in UTF-8 bytes, not characters', async () => {
    const state = new EmbeddedState({ maxBytes: 100 });
    await assert.rejects(state.set('r', 'k', '✓'.repeat(40)), StateTooLargeError); // 40 characters, 120 bytes
    await state.set('r', 'k', 'a'.repeat(40));
  });

  it('travels in a forwarded body: toJSON on the sender, from on the receiver', async () => {
    const sender = new EmbeddedState();
    await sender.set('r1', 'order', { id: 7, lines: [1, 2] });
    await sender.incr('r1', 'seen');
    const body = JSON.stringify({ position: 2, state: sender });
    const receiver = EmbeddedState.from(JSON.parse(body).state);
    assert.deepEqual(await receiver.entries('r1'), { order: { id: 7, lines: [1, 2] }, seen: 1 });
    assert.equal(await receiver.incr('r1', 'seen'), 2);
    assert.deepEqual(await sender.entries('r1'), { order: { id: 7, lines: [1, 2] }, seen: 1 }, 'the sender kept its own copy');
  });

  it('checks what it receives as it checks every write', () => {
    assert.throws(() => EmbeddedState.from({ r1: { big: 'x'.repeat(2_000) } }, { maxBytes: 1_000 }), StateTooLargeError);
    assert.throws(() => EmbeddedState.from({ r1: { bad: [1, undefined] } }), /state key "bad" of request "r1" cannot be kept: bad\[1\] is undefined/);
    assert.throws(() => EmbeddedState.from([]), /embedded state must be an object .* not an array/);
    assert.throws(() => EmbeddedState.from({ r1: 'x' }), /the embedded state of request "r1" must be an object/);
    assert.throws(() => EmbeddedState.from({ '../x': {} }), ConfigError);
    assert.throws(() => new EmbeddedState({ maxBytes: 0 }), ConfigError);
  });
});
