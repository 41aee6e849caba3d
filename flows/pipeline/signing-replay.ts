import { ConfigError } from '../../src/errors.js';
import type { StateManager } from '../../stores/ports/state.js';
import { ReplayError } from './errors.js';
import type { ReplayGuard } from './forwarding-types.js';

/** How long a claim is remembered by default: well past the default `maxAgeMs` of signed requests. */
export const DEFAULT_REPLAY_TTL_MS = 3_600_000;

/**
 * Refuses a second delivery of the same (request id, position): each pair is claimed once with
 * `compareAndSet` in the state manager, so the refusal holds across processes on a shared backend
 * (file, Redis). Claims live in their own namespace, `delivered:<request id>` (so request ids of
 * up to 190 characters), not the request's, so cleaning up a finished request's state does not
 * reopen it to replays; they expire after `ttlMs`, which must outlast the signer's `maxAgeMs`
 * (older requests are refused as stale anyway).
 */
export class StateReplayGuard implements ReplayGuard {
  readonly #state: StateManager;
  readonly #ttlMs: number;

  constructor(state: StateManager, options: { readonly ttlMs?: number } = {}) {
    this.#state = state;
    this.#ttlMs = options.ttlMs ?? DEFAULT_REPLAY_TTL_MS;
  }

  async claim(requestId: string, position: number): Promise<boolean> {
    if (!(Number.isSafeInteger(position) && position >= 0)) throw new ConfigError(`the position of request "${requestId}" must be a whole number from 0, not ${String(position)}`);
    const namespace = `delivered:${requestId}`;
    const key = String(position);
    // A refused replay only reads: `init` restarts the namespace's TTL, and a replayer must not keep a claim alive.
    if ((await this.#state.get(namespace, key)) !== undefined) return false;
    await this.#state.init(namespace, { ttlMs: this.#ttlMs });
    return this.#state.compareAndSet(namespace, key, undefined, true);
  }

  /** Claims the pair, or throws a `ReplayError` if it was claimed before. */
  async admit(requestId: string, position: number): Promise<void> {
    if (!(await this.claim(requestId, position))) throw new ReplayError(requestId, position);
  }
}
