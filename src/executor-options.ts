import type { RetryOptions } from './retry.js';
import type { SpeculationOptions } from './speculation.js';

/** What every executor takes: how attempts are retried, bounded and copied. */
export interface CommonExecutorOptions {
  /** How failed attempts are tried again (backoff, which error classes). @default 4 attempts, on throttled and transient errors */
  readonly retry?: RetryOptions | undefined;
  /** Client-side limit on one attempt, in milliseconds. @default the function's timeout plus 10 s */
  readonly attemptTimeoutMs?: number | undefined;
  /** Stop the phase at the first fatal error (bad credentials, a missing deployment). @default true */
  readonly stopOnFatal?: boolean | undefined;
  /** Launch a copy of attempts that run far longer than the phase's median (straggler mitigation). @default off */
  readonly speculation?: SpeculationOptions | undefined;
}
