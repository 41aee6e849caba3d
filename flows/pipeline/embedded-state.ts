import { ConfigError } from '../../src/errors.js';
import { findNonJsonValue } from '../../src/json.js';
import type { EmbeddedState, Json, JsonObject } from './steps.js';

/** State that travels inside the forwarded request (Faasflow's default, `requestEmbedStateManager`). */
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
