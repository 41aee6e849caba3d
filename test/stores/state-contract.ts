import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import type { Json, StateManager } from '../../stores/index.js';

/** One backend under the state manager contract. */
export interface StateBackend {
  open(): Promise<StateManager>;
  /** Closed and opened again, as a restarted process would: only for backends that keep state. */
  reopen?(state: StateManager): Promise<StateManager>;
}

const request = () => `r-${randomUUID()}`;

/** Waits (polling, up to 20 s) until `check` holds: for expiry, never a timing assertion. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 20_000; !(await check()); ) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The behaviour every `StateManager` backend shares; call inside a `describe`. */
export function stateManagerContract(backend: StateBackend): void {
  it('keeps JSON values by key, hands out copies, and deletes them', async () => {
    const state = await backend.open();
    const id = request();
    await state.init(id);
    const order = { id: 7, lines: [{ sku: 'a', n: 2 }, null], note: 'é ✓', paid: false };
    await state.set(id, 'order', order);
    await state.set(id, '__proto__', 'a key like any other');
    await state.set(id, 'count', 0);
    order.lines.pop();
    const got = await state.get<typeof order>(id, 'order');
    assert.deepEqual(got, { id: 7, lines: [{ sku: 'a', n: 2 }, null], note: 'é ✓', paid: false });
    got!.note = 'changed by the caller';
    assert.equal((await state.get<typeof order>(id, 'order'))!.note, 'é ✓');
    assert.equal(await state.get(id, '__proto__'), 'a key like any other');
    assert.equal(await state.get(id, 'missing'), undefined);
    assert.equal(await state.del(id, 'count'), true);
    assert.equal(await state.del(id, 'count'), false);
    assert.deepEqual(await state.entries(id), { order: { id: 7, lines: [{ sku: 'a', n: 2 }, null], note: 'é ✓', paid: false }, ['__proto__']: 'a key like any other' });
    await state.close();
  });

  it('keeps each request apart, and cleanup removes only its own', async () => {
    const state = await backend.open();
    const [a, b] = [request(), request()];
    await state.set(a, 'k', 'a');
    await state.set(b, 'k', 'b');
    await state.cleanup(a);
    assert.deepEqual(await state.entries(a), {});
    assert.equal(await state.get(a, 'k'), undefined);
    assert.deepEqual(await state.entries(b), { k: 'b' });
    await state.cleanup(b);
    await state.cleanup(b);
    await state.close();
  });

  it('counts with incr: absent is 0, any finite step, refused on a value that is not a number', async () => {
    const state = await backend.open();
    const id = request();
    assert.equal(await state.incr(id, 'n'), 1);
    assert.equal(await state.incr(id, 'n', 41), 42);
    assert.equal(await state.incr(id, 'n', -2.5), 39.5);
    assert.equal(await state.incr(id, 'f', 0.1), 0.1);
    assert.equal(await state.incr(id, 'f', 0.2), 0.1 + 0.2);
    assert.equal(await state.get(id, 'n'), 39.5);
    assert.equal(await state.compareAndSet(id, 'f', 0.1 + 0.2, 'counted'), true, 'a number incr wrote compares equal to the same number');
    await state.set(id, 's', '5');
    await assert.rejects(state.incr(id, 's'), (error: Error) => error instanceof ConfigError && /"s".*other than a number/.test(error.message));
    await assert.rejects(state.incr(id, 'n', Number.NaN), ConfigError);
    await state.set(id, 'big', Number.MAX_VALUE);
    await assert.rejects(state.incr(id, 'big', Number.MAX_VALUE), (error: Error) => error instanceof ConfigError && /largest number/.test(error.message));
    assert.equal(await state.get(id, 'big'), Number.MAX_VALUE);
    await state.cleanup(id);
    await state.close();
  });

  it('compareAndSet compares JSON in any key order, and absent only with undefined', async () => {
    const state = await backend.open();
    const id = request();
    assert.equal(await state.compareAndSet(id, 'k', undefined, { b: 1, a: [1, { y: 2, x: 1 }] }), true);
    assert.equal(await state.compareAndSet(id, 'k', undefined, 'again'), false, 'present is not absent');
    assert.equal(await state.compareAndSet(id, 'k', { a: [1, { x: 1, y: 2 }], b: 1 }, 'next'), true, 'same JSON, other key order');
    assert.equal(await state.compareAndSet(id, 'k', 'other', 'no'), false);
    assert.equal(await state.compareAndSet(id, 'k', null, 'no'), false, 'null is a value, not absent');
    assert.equal(await state.get(id, 'k'), 'next');
    assert.equal(await state.compareAndSet(id, 'gone', 'x', 'no'), false);
    assert.equal(await state.get(id, 'gone'), undefined);
    await state.cleanup(id);
    await state.close();
  });

  it('has one winner in a compareAndSet race and counts every concurrent incr', async () => {
    const state = await backend.open();
    const id = request();
    const wins = await Promise.all(Array.from({ length: 20 }, (_, n) => state.compareAndSet(id, 'owner', undefined, `caller-${n}`)));
    assert.equal(wins.filter(Boolean).length, 1);
    assert.equal(await state.get(id, 'owner'), `caller-${wins.indexOf(true)}`);
    await Promise.all(Array.from({ length: 50 }, () => state.incr(id, 'n')));
    assert.equal(await state.get(id, 'n'), 50);
    await state.cleanup(id);
    await state.close();
  });

  it('refuses a value JSON cannot carry with a ConfigError naming the key and the path', async () => {
    const state = await backend.open();
    const id = request();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const refused: Array<[unknown, RegExp]> = [
      [{ run: () => 1 }, /"job".*job\.run is a function/],
      [{ rate: Number.NaN }, /job\.rate is NaN/],
      [{ at: new Date(0) }, /job\.at is a Date/],
      [cycle, /job\.self refers back to itself/],
      [[1, undefined, 3], /job\[1\] is undefined/],
      [undefined, /job is undefined/],
    ];
    for (const [value, message] of refused) {
      await assert.rejects(state.set(id, 'job', value as Json), (error: Error) => error instanceof ConfigError && message.test(error.message) && error.message.includes(id), String(message));
      await assert.rejects(state.compareAndSet(id, 'job', undefined, value as Json), ConfigError);
    }
    assert.deepEqual(await state.entries(id), {}, 'nothing refused was kept');
    await assert.rejects(state.set('', 'k', 1), ConfigError);
    await assert.rejects(state.set('a/../b', 'k', 1), /request id "a\/..\/b" cannot name pipeline state/);
    await assert.rejects(state.set(id, '', 1), ConfigError);
    await state.close();
  });

  it('drops a request whose TTL ran out with no write, and keeps one without a TTL', async () => {
    const state = await backend.open();
    const [short, kept] = [request(), request()];
    await state.init(short, { ttlMs: 150 });
    await state.set(short, 'k', 1);
    await state.set(kept, 'k', 1);
    await eventually('expiry', async () => (await state.get(short, 'k')) === undefined);
    assert.deepEqual(await state.entries(short), {});
    assert.equal(await state.get(kept, 'k'), 1);
    await assert.rejects(state.init(short, { ttlMs: 0 }), ConfigError);
    await state.cleanup(kept);
    await state.close();
  });

  if (backend.reopen) {
    const reopen = backend.reopen.bind(backend);
    it('keeps state across a close and reopen', async () => {
      let state = await backend.open();
      const id = request();
      await state.init(id, { ttlMs: 60_000 });
      await state.set(id, 'k', { v: [1, 2] });
      await state.incr(id, 'n', 3);
      state = await reopen(state);
      assert.deepEqual(await state.entries(id), { k: { v: [1, 2] }, n: 3 });
      await state.cleanup(id);
      await state.close();
    });
  }
}
