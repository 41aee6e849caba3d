import { z } from 'zod';
import type { CongestionController } from '../src/congestion/controller.js';
import { congestionSchema, createCongestionController, type CongestionOptions } from '../src/congestion/index.js';
import { ConfigError } from '../src/errors.js';
import { parseOptions } from '../src/options.js';
import type { Platform } from '../src/platform.js';

/** Options of the executors whose pacing the user may choose: a concurrency, or a congestion controller (give one of the two). */
export interface PacingOptions {
  /** The most requests in flight at once: shorthand for `congestion: { kind: 'fixed', concurrency }`. @default the platform's pacing (AIMD on cloud platforms), else 64 */
  readonly concurrency?: number | undefined;
  /** Fixed concurrency, a token-bucket rate, AIMD on the platform's throttling, or PID toward a target rate. @default the platform's pacing */
  readonly congestion?: CongestionOptions | undefined;
}

/** The schema of `PacingOptions`, for executors' schemas to extend. */
export const pacingOptions = {
  /** The most requests in flight at once: shorthand for `congestion: { kind: 'fixed', concurrency }`. */
  concurrency: z.number().int('must be a whole number').positive('must be 1 or more').optional(),
  /** Fixed concurrency, a token-bucket rate, or AIMD on the platform's throttling. */
  congestion: z.unknown().optional(),
};

const FALLBACK_CONCURRENCY = 64;

export function checkPacing(options: { concurrency?: number | undefined; congestion?: unknown }, owner: string): void {
  if (options.concurrency !== undefined && options.congestion !== undefined) {
    throw new ConfigError(`${owner}: give either "concurrency" or "congestion", not both`);
  }
  if (options.congestion !== undefined) parseOptions(congestionSchema, options.congestion, `${owner} congestion`);
}

/** The user's choice, else the platform's default (AIMD on cloud platforms), else a fixed 64. */
export function pacing(
  options: { concurrency?: number | undefined; congestion?: unknown },
  platform: Platform,
  owner: string,
): CongestionController {
  const chosen =
    options.congestion ??
    (options.concurrency !== undefined ? { kind: 'fixed', concurrency: options.concurrency } : undefined) ??
    platform.defaultCongestion ?? { kind: 'fixed', concurrency: FALLBACK_CONCURRENCY };
  return createCongestionController(parseOptions(congestionSchema, chosen, `${owner} congestion`));
}
