import { FatalError } from '../../src/errors.js';
import type { InvokeResult } from '../../src/platform.js';

type Entry = { readonly deployment: string } & ({ done: false } | { done: true; result: InvokeResult } | { done: true; error: unknown });

/**
 * Non-blocking calls for platforms that run functions in this process: `add` keeps a call that
 * runs in the background, `take` hands its outcome over once, the way an activation record is read.
 */
export class Activations {
  readonly #entries = new Map<string, Entry>();

  add(deployment: string, activationId: string, call: Promise<InvokeResult>): void {
    this.#entries.set(activationId, { deployment, done: false });
    call.then(
      (result) => this.#settle(activationId, { deployment, done: true, result }),
      (error: unknown) => this.#settle(activationId, { deployment, done: true, error }),
    );
  }

  /** The outcome once finished (its FalcoError is thrown), undefined while running. */
  take(deployment: string, activationId: string): InvokeResult | undefined {
    const entry = this.#entries.get(activationId);
    if (!entry || entry.deployment !== deployment) {
      throw new FatalError(
        `no activation "${activationId}" of function "${deployment}": it was never submitted, or its result was already collected`,
      );
    }
    if (!entry.done) return undefined;
    this.#entries.delete(activationId);
    if ('error' in entry) throw entry.error;
    return entry.result;
  }

  clear(): void {
    this.#entries.clear();
  }

  #settle(activationId: string, entry: Entry): void {
    if (this.#entries.has(activationId)) this.#entries.set(activationId, entry);
  }
}
