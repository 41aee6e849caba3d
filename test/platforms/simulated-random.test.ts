import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attemptKey, invocationKey } from '../../platforms/simulated/random.js';

/** FNV-1a over a string's UTF-16 code units, seeded as the simulated platform seeds it: the key of a fate, from the string itself. */
function fnvOfString(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

test('a fate is keyed by the hash of `sim-<invocation>-<attempt>` (and `s` for a copy), read without building the string, so a seed gives the same fates as before', () => {
  for (const seed of [1, 7, -3, 123_456_789]) {
    for (const id of ['p-0', 'map-12345', 'é∂ƒ😀', '']) {
      for (const attempt of [1, 9, 10, 123]) {
        assert.equal(attemptKey(seed, id, attempt, false), fnvOfString(seed, `sim-${id}-${attempt}`));
        assert.equal(attemptKey(seed, id, attempt, true), fnvOfString(seed, `sim-${id}-${attempt}s`));
      }
      assert.equal(invocationKey(seed, id), fnvOfString(seed, id));
    }
  }
});
