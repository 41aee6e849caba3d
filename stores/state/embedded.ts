import { brand } from '../../src/brand.js';
import { ConfigError } from '../../src/errors.js';
import { positiveInteger } from '../../src/whole-number.js';
import type { Json } from '../ports/workspace.js';
import { MemoryStateManager, type Namespace } from './memory.js';
import { checkKey, checkRequestId, checkValue } from './values.js';

/** How much state one request may carry inside its forwarded body, by default. */
export const DEFAULT_EMBEDDED_MAX_BYTES = 64 * 1024;

/** A write would make a request's embedded state larger than its cap. */
export class StateTooLargeError extends ConfigError {
  static {
    brand(this, 'StateTooLargeError');
  }
}

export interface EmbeddedStateOptions {
  /** The most bytes one request's state may take as JSON (UTF-8). @default 65536 */
  readonly maxBytes?: number;
}

/**
 * State that travels inside the forwarded request, as Faasflow's default does: no server, but
 * every byte of it rides along with every phase, so it is capped (`maxBytes` per request, as
 * JSON) and a write past the cap is a `StateTooLargeError` naming the key and the cap. The
 * sender puts `toJSON()` into the forwarded body; the receiver rebuilds it with `EmbeddedState.from`.
 */
export class EmbeddedState extends MemoryStateManager {
  readonly maxBytes: number;

  constructor(options: EmbeddedStateOptions = {}) {
    super();
    this.maxBytes = positiveInteger(options.maxBytes ?? DEFAULT_EMBEDDED_MAX_BYTES, 'maxBytes of embedded state', 'bytes');
  }

  /** Rebuilds the state a forwarded request carried (what `toJSON()` gave the sender), checking it as every write is checked. */
  static from(carried: unknown, options: EmbeddedStateOptions = {}): EmbeddedState {
    const state = new EmbeddedState(options);
    for (const [requestId, entries] of Object.entries(plainObject(carried, 'embedded state'))) {
      checkRequestId(requestId);
      const values = new Map<string, Json>();
      for (const [key, value] of Object.entries(plainObject(entries, `the embedded state of request "${requestId}"`))) {
        checkKey(requestId, key);
        checkValue(requestId, key, value);
        values.set(key, value);
      }
      state.#checkSize(requestId, values, [...values.keys()].at(-1) ?? '');
      state.requests.set(requestId, { values });
    }
    return state;
  }

  /** Every request's state, by request id, as JSON to carry in the forwarded body. */
  toJSON(): Record<string, Record<string, Json>> {
    return Object.fromEntries([...this.requests.keys()].flatMap((requestId) => {
      const namespace = this.live(requestId);
      return namespace ? [[requestId, structuredClone(Object.fromEntries(namespace.values))]] : [];
    }));
  }

  /** How many bytes the request's state takes as JSON now. */
  bytes(requestId: string): number {
    return jsonBytes(this.live(requestId)?.values ?? new Map());
  }

  protected override admit(requestId: string, key: string, value: Json | undefined, namespace: Namespace): void {
    if (value !== undefined) this.#checkSize(requestId, new Map(namespace.values).set(key, value), key);
  }

  #checkSize(requestId: string, values: ReadonlyMap<string, Json>, key: string): void {
    checkEmbeddedSize(requestId, Object.fromEntries(values), key, this.maxBytes);
  }
}

/** Refuses state that, with `key` written, would take more than `maxBytes` as JSON: a `StateTooLargeError` naming the key, the size and the cap. */
export function checkEmbeddedSize(requestId: string, values: Readonly<Record<string, Json>>, key: string, maxBytes = DEFAULT_EMBEDDED_MAX_BYTES): void {
  const bytes = Buffer.byteLength(JSON.stringify(values));
  if (bytes > maxBytes) {
    throw new StateTooLargeError(
      `state key "${key}" would make the embedded state of request "${requestId}" ${bytes} bytes, past its cap of ${maxBytes} bytes: ` +
        'keep large values in the data, or in a file or Redis state manager (openStateManager("file:DIR" or "redis://host:port")), or raise maxBytes',
    );
  }
}

function jsonBytes(values: ReadonlyMap<string, Json>): number {
  return Buffer.byteLength(JSON.stringify(Object.fromEntries(values)));
}

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${what} must be an object (what EmbeddedState.toJSON() gives), not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  }
  return value as Record<string, unknown>;
}
