import { ConfigError } from '../../src/errors.js';
import { positiveInteger } from '../../src/whole-number.js';
import { findNonJsonValue } from '../../src/json.js';
import type { Json } from '../ports/workspace.js';

/** Request ids name files and Redis keys, so every backend accepts the same safe set (and a file name stays under 255 bytes). */
const REQUEST_ID = /^[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,199}$/;

export function checkRequestId(requestId: string): void {
  if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) {
    throw new ConfigError(
      `request id ${JSON.stringify(requestId)?.slice(0, 80)} cannot name pipeline state: use 1 to 200 letters, digits, "_", ":", "-" or "." (not first)`,
    );
  }
}

export function checkKey(requestId: string, key: string): void {
  checkRequestId(requestId);
  if (typeof key !== 'string' || key === '') throw new ConfigError(`state keys of request "${requestId}" must be non-empty strings, not ${JSON.stringify(key) ?? String(key)}`);
}

/** A value every backend can keep and give back unchanged: JSON, or a `ConfigError` naming the key and the path. */
export function checkValue(requestId: string, key: string, value: unknown): asserts value is Json {
  const found = findNonJsonValue(value, key);
  if (found) throw new ConfigError(`state key "${key}" of request "${requestId}" cannot be kept: ${found}; state holds JSON values only`);
}

export function checkIncrement(requestId: string, key: string, by: number): void {
  if (typeof by !== 'number' || !Number.isFinite(by)) throw new ConfigError(`incr of state key "${key}" of request "${requestId}" needs a finite number to add, not ${String(by)}`);
}

export function checkTtl(requestId: string, ttlMs: number | undefined): void {
  if (ttlMs !== undefined) positiveInteger(ttlMs, `ttlMs of request "${requestId}"`, 'milliseconds');
}

export function notANumber(requestId: string, key: string): ConfigError {
  return new ConfigError(`state key "${key}" of request "${requestId}" holds something other than a number: incr adds to numbers only (or to an absent key)`);
}

export function notFinite(requestId: string, key: string): ConfigError {
  return new ConfigError(`incr of state key "${key}" of request "${requestId}" would leave it beyond the largest number JSON can carry`);
}

/** JSON with object keys sorted at every depth: equal JSON values give equal text, whatever their key order. */
export function canonicalJson(value: Json): string {
  return JSON.stringify(value, (_key, member: Json) =>
    member !== null && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.keys(member).sort().map((key) => [key, member[key]]))
      : member,
  );
}

/** `compareAndSet`'s test: the same JSON (any key order), or both absent. */
export function sameJson(current: Json | undefined, expected: Json | undefined): boolean {
  if (current === undefined || expected === undefined) return current === expected;
  return canonicalJson(current) === canonicalJson(expected);
}
