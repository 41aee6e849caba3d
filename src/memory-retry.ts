import { z } from 'zod';
import { parseOptions } from './options.js';
import type { Deployment } from './platform.js';
import type { Expect, MatchesSchema } from './schema-check.js';

const memoryRetrySchema = z
  .object({
    /** The most memory a retry may ask for; each retry doubles the memory of the one before. */
    maxMB: z.number().int('must be a whole number of MB').min(128, 'must be at least 128 MB').max(10_240, 'must be at most 10240 MB'),
  })
  .strict();

/** A run's `memoryRetry`: an out-of-memory invocation is retried with twice the memory, and again, up to `maxMB`. */
export interface MemoryRetryOptions {
  /** The most memory a retry may ask for, in MB, 128 to 10240; each retry doubles the memory of the one before. */
  readonly maxMB: number;
}

type _Check = Expect<MatchesSchema<MemoryRetryOptions, typeof memoryRetrySchema>>;

/**
 * Out-of-memory retry as an executor gets it: the limit, and how to get the phase's function
 * deployed with more memory (the driver deploys it once per size and removes it with the rest).
 */
export interface MemoryRetry {
  readonly maxMB: number;
  /** The phase's function deployed with `memoryMB` of memory. */
  deploy(memoryMB: number): Promise<Deployment>;
}

export function parseMemoryRetry(options: MemoryRetryOptions): { maxMB: number } {
  return parseOptions(memoryRetrySchema, options, 'memoryRetry');
}
