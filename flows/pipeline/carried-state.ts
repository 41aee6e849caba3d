import { checkEmbeddedSize } from '../../stores/state/embedded.js';
import { checkKey, checkValue } from '../../stores/state/values.js';
import type { Json, JsonObject, StepState } from './steps.js';

/**
 * The state a step sees, carried inside the forwarded request (Faasflow's default,
 * `requestEmbedStateManager`): checked and capped as `EmbeddedState` is (JSON only, 64 KiB);
 * a write past the cap is a `StateTooLargeError`.
 */
export class CarriedState implements StepState {
  readonly #requestId: string;
  readonly #values: JsonObject;

  constructor(requestId: string, values: JsonObject) {
    this.#requestId = requestId;
    this.#values = { ...values };
  }

  get<T extends Json = Json>(key: string): T | undefined {
    return this.#values[key] as T | undefined;
  }

  set(key: string, value: Json): void {
    checkKey(this.#requestId, key);
    checkValue(this.#requestId, key, value);
    checkEmbeddedSize(this.#requestId, { ...this.#values, [key]: value }, key);
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
