import { z } from 'zod';
import { parseOptions } from '../../src/options.js';
import type { Expect, MatchesSchema } from '../../src/schema-check.js';

/** How the local platform runs functions on this machine. */
export interface LocalPlatformOptions {
  /**
   * The most instances one deployment may run at once, unless its deployable sets `maxInstances`;
   * calls past it wait (`maxWaitMs`) and are then throttled.
   * @default one per CPU, and no more than half the free memory holds at the function's memory limit
   */
  readonly maxInstances?: number | undefined;
  /** How long a call that finds every instance busy waits for one before it is throttled, in milliseconds; 0 throttles at once. @default 10000 */
  readonly maxWaitMs?: number | undefined;
  /** Warm instances idle for longer than this, in milliseconds, are ended. @default 600000 (10 minutes) */
  readonly idleTimeoutMs?: number | undefined;
  /** What happens to the functions' stdout and stderr: dropped, or passed to this process's. @default 'ignore' */
  readonly logs?: 'ignore' | 'inherit' | undefined;
  /** The Python interpreter that runs `python:*` functions. @default 'python3' */
  readonly python?: string | undefined;
  /**
   * Where Node.js functions run: a worker thread each (fast to start; the memory limit caps only
   * the V8 heap) or a node process each, whose memory limit covers everything it allocates.
   * @default 'thread'
   */
  readonly isolation?: 'thread' | 'process' | undefined;
}

const localOptionsSchema = z
  .object({
    /** The most instances one deployment may run at once, unless its deployable says otherwise; default: see capacity.ts. */
    maxInstances: z.number().int().positive('must be a positive integer').optional(),
    /** How long a call that finds every instance busy waits for one before it is throttled; 0 throttles at once. */
    maxWaitMs: z.number().int().min(0, 'must be 0 or more milliseconds').default(10_000),
    /** Warm instances idle for longer than this are ended. */
    idleTimeoutMs: z.number().int().positive('must be a positive number of milliseconds').default(10 * 60_000),
    /** What happens to the functions' stdout and stderr. */
    logs: z.enum(['ignore', 'inherit']).default('ignore'),
    /** The Python interpreter that runs `python:*` functions. */
    python: z.string().min(1, 'must name a python executable').default('python3'),
    /**
     * Where Node.js functions run: a worker thread each (fast to start; the memory limit caps only
     * the V8 heap) or a node process each, whose memory limit covers everything it allocates.
     */
    isolation: z.enum(['thread', 'process']).default('thread'),
  })
  .strict();

type _Check = Expect<MatchesSchema<LocalPlatformOptions, typeof localOptionsSchema>>;
export type ResolvedLocalOptions = z.output<typeof localOptionsSchema>;

export function parseLocalOptions(options: LocalPlatformOptions | undefined): ResolvedLocalOptions {
  return parseOptions(localOptionsSchema, options, 'LocalPlatform');
}
