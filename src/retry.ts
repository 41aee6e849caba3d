import { z } from 'zod';
import { ERROR_CLASSES, type ErrorClass } from './errors.js';
import { parseOptions } from './options.js';

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
    retryOn: z.array(z.enum(retryableClasses)).default(['throttled', 'transient']),
  })
  .strict();

export type RetryOptions = z.input<typeof retrySchema>;
export type RetryPolicy = Readonly<z.output<typeof retrySchema>>;

export function retryPolicy(options?: RetryOptions): RetryPolicy {
  return parseOptions(retrySchema, options, 'retry');
}

/** The backoff before retry number `retry` (1 for the first): exponential, capped, with the policy's jitter. */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const exponential = policy.minDelayMs * policy.factor ** (retry - 1);
  return Math.round(Math.min(policy.maxDelayMs, exponential * (policy.jitter ? 1 + Math.random() : 1)));
}
