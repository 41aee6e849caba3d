import { ConfigError } from '../../src/errors.js';
import { findNonJsonValue } from '../../src/json.js';
import { DEFAULT_EMBEDDED_MAX_BYTES, StateTooLargeError } from '../../stores/state/embedded.js';
import type { EmbeddedState, Json, JsonObject } from './steps.js';

/**
 * State that travels inside the forwarded request (Faasflow's default, `requestEmbedStateManager`):
 * capped, as `EmbeddedState` is, at 64 KiB of JSON; a write past it is a `StateTooLargeError`.
 */
export class RequestState implements EmbeddedState {
  readonly #values: JsonObject;

  constructor(values: JsonObject) {
    this.#values = { ...values };
  }

  get<T extends Json = Json>(key: string): T | undefined {
    return this.#values[key] as T | undefined;
  }

  set(key: string, value: Json): void {
    const problem = findNonJsonValue(value, key);
    if (problem) throw new ConfigError(`pipeline state: ${problem}; the state travels with the request as JSON`);
    const bytes = Buffer.byteLength(JSON.stringify({ ...this.#values, [key]: value }));
    if (bytes > DEFAULT_EMBEDDED_MAX_BYTES) {
      throw new StateTooLargeError(`pipeline state: key "${key}" would make the state carried with the request ${bytes} bytes, past its cap of ${DEFAULT_EMBEDDED_MAX_BYTES}: keep large data in the pipeline's data or in a StateManager (file or Redis) under the request id`);
    }
    this.#values[key] = value;
  }

  del(key: string): boolean {
    const had = key in this.#values;
    delete this.#values[key];
    return had;
  }

  toJSON(): JsonObject {
    return { ...this.#values };
  }
}
