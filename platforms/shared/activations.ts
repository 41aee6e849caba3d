import { FatalError, type InvokeResult } from '../../src/index.js';

type Entry = { done: false } | { done: true; result: InvokeResult } | { done: true; error: unknown };

/**
 * Non-blocking calls for platforms that run functions in this process: `start` runs the call in
 * the background, `take` hands its outcome over once, the way an activation record is read.
 */
export class Activations {
  readonly #entries = new Map<string, Entry>();

  start(activationId: string, run: () => Promise<InvokeResult>): void {
    this.#entries.set(activationId, { done: false });
    run().then(
      (result) => this.#settle(activationId, { done: true, result }),
      (error: unknown) => this.#settle(activationId, { done: true, error }),
    );
  }

  /** The outcome once finished (a FalcoError is thrown), undefined while running. */
  take(activationId: string): InvokeResult | undefined {
    const entry = this.#entries.get(activationId);
    if (!entry) throw new FatalError(`no activation "${activationId}": it was never submitted, or was already collected`);
    if (!entry.done) return undefined;
    this.#entries.delete(activationId);
    if ('error' in entry) throw entry.error;
    return entry.result;
  }

  #settle(activationId: string, entry: Entry): void {
    if (this.#entries.has(activationId)) this.#entries.set(activationId, entry);
  }
}
