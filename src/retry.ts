import { z } from 'zod';
import { ERROR_CLASSES, type ErrorClass } from './errors.js';
import { parseOptions } from './options.js';
import type { Expect, MatchesSchema } from './schema-check.js';

const retryableClasses = ERROR_CLASSES.filter((c) => c !== 'aborted' && c !== 'fatal') as [ErrorClass, ...ErrorClass[]];

const retrySchema = z
  .object({
    /** Tries in all, the first one included. 1 turns retries off. */
    maxAttempts: z.number().int().min(1, 'must be at least 1 (1 means no retries)').default(4),
    /** The first backoff; each later one is `factor` times longer, up to `maxDelayMs`. */
    minDelayMs: z.number().min(0).default(100),
    maxDelayMs: z.number().min(0).default(10_000),
    factor: z.number().min(1, 'must be at least 1').default(2),
    /** Multiplies each backoff by a random factor in [1, 2), so retries do not arrive in waves. */
    jitter: z.boolean().default(true),
    /** The error classes worth another try. Function errors are final unless listed here. */
    retryOn: z.array(z.enum(retryableClasses)).readonly().default(['throttled', 'transient']),
  })
  .strict();

/** How an executor retries failed attempts: backoff `minDelayMs * factor^(n-1)`, capped at `maxDelayMs`, plus any Retry-After hint. */
export interface RetryOptions {
  /** Tries in all, the first one included; 1 turns retries off. @default 4 */
  readonly maxAttempts?: number | undefined;
  /** The first backoff, in milliseconds; each later one is `factor` times longer, up to `maxDelayMs`. @default 100 */
  readonly minDelayMs?: number | undefined;
  /** The longest backoff, in milliseconds. @default 10000 */
  readonly maxDelayMs?: number | undefined;
  /** How much longer each backoff is than the one before; at least 1. @default 2 */
  readonly factor?: number | undefined;
  /** Multiply each backoff by a random factor in [1, 2), so retries do not arrive in waves. @default true */
  readonly jitter?: boolean | undefined;
  /** The error classes worth another try. Function errors are final unless listed here. @default ['throttled', 'transient'] */
  readonly retryOn?: readonly Exclude<ErrorClass, 'aborted' | 'fatal'>[] | undefined;
}

type _Check = Expect<MatchesSchema<RetryOptions, typeof retrySchema>>;
export type RetryPolicy = Readonly<z.output<typeof retrySchema>>;

export function retryPolicy(options?: RetryOptions): RetryPolicy {
  return parseOptions(retrySchema, options, 'retry');
}

/** The backoff before retry number `retry` (1 for the first): exponential, capped, with the policy's jitter. */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const exponential = policy.minDelayMs * policy.factor ** (retry - 1);
  return Math.round(Math.min(policy.maxDelayMs, exponential * (policy.jitter ? 1 + Math.random() : 1)));
}
