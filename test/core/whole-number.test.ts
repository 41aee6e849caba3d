import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { isPositiveInteger, positiveInteger } from '../../src/whole-number.js';

describe('positive integers', () => {
  it('accepts whole numbers above 0 and nothing else', () => {
    assert.deepEqual([1, 2, 2 ** 53 - 1].map(isPositiveInteger), [true, true, true]);
    assert.deepEqual([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '3'].map(isPositiveInteger), [false, false, false, false, false, false, false]);
  });

  it('refuses a bad value with a ConfigError naming it, its unit and the value', () => {
    assert.equal(positiveInteger(5, 'maxBytes', 'bytes'), 5);
    assert.throws(() => positiveInteger(0.5, 'maxAgeMs of the signing keys', 'milliseconds'), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, 'maxAgeMs of the signing keys must be a whole number of milliseconds above 0, not 0.5');
      return true;
    });
  });
});
