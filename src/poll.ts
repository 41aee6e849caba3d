import { sleep } from './clock.js';

/** The waits between checks: `firstMs`, then each `factor` times the one before, up to `maxMs`. */
export interface PollBackoff {
  readonly firstMs: number;
  readonly maxMs: number;
  readonly factor: number;
  /** Check once before the first wait (for work that may already be done). */
  readonly checkFirst?: boolean;
}

/**
 * Calls `check` with growing waits in between until it answers something other than undefined,
 * and resolves with that. A failing check rejects at once; `signal` ends a wait with its reason,
 * so nothing keeps polling after an abort.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, backoff: PollBackoff, signal?: AbortSignal): Promise<T> {
  let delay = backoff.firstMs;
  for (let wait = !backoff.checkFirst; ; wait = true) {
    if (wait) {
      await sleep(delay, signal);
      delay = Math.min(backoff.maxMs, delay * backoff.factor);
    }
    const answer = await check();
    if (answer !== undefined) return answer;
  }
}
