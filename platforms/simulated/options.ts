import { z } from 'zod';
import { realClock, type Clock } from '../../src/clock.js';
import { parseOptions } from '../../src/options.js';
import type { Expect, MatchesSchema } from '../../src/schema-check.js';
import { latencySchema, type Latency } from './latency.js';

/** How the simulated platform behaves: its latency, its failure rates, its limits. Every rate is a share of attempts, 0 to 1. */
export interface SimulatedPlatformOptions {
  /** How long each call takes, drawn from a distribution. @default { distribution: 'fixed', ms: 10 } */
  readonly latency?: Latency | undefined;
  /** Same seed, same fates: which calls fail, straggle or hang, and how long each takes. An integer. @default 1 */
  readonly seed?: number | undefined;
  /** Share of attempts that fail with a transient error (a 5xx), 0 to 1. @default 0 */
  readonly transientErrorRate?: number | undefined;
  /** Share of invocations whose function fails, for every attempt (it is the function's nature), 0 to 1. @default 0 */
  readonly functionErrorRate?: number | undefined;
  /** Share of attempts that never answer; they end at the function's timeout. 0 to 1. @default 0 */
  readonly hangRate?: number | undefined;
  /** Share of attempts that take `stragglerFactor` times their latency, 0 to 1. @default 0 */
  readonly stragglerRate?: number | undefined;
  /** How many times its latency a straggler takes; at least 1. @default 10 */
  readonly stragglerFactor?: number | undefined;
  /** The platform's hidden concurrency limit: calls past it are throttled at once. @default unlimited */
  readonly concurrencyCap?: number | undefined;
  /** The Retry-After hint sent with a throttled call, in milliseconds. @default none */
  readonly retryAfterMs?: number | undefined;
  /** Extra latency of an instance's first call, in milliseconds; instances stay warm once started. @default 0 */
  readonly coldStartMs?: number | undefined;
  /**
   * The memory the function needs, in MB, for every input or per input: a call on a deployment with
   * less fails as out of memory, as a real platform would report it. @default none (never out of memory)
   */
  readonly memoryNeededMB?: number | ((input: unknown) => number) | undefined;
  /** Where the platform's time comes from: falco's clock, or a simulated one that runs faster than time. @default the real clock */
  readonly clock?: Clock | undefined;
  /** The function: its output from its input. @default echoes the input */
  readonly handler?: ((input: unknown) => unknown) | undefined;
}

const rate = z.number().min(0, 'must be a rate between 0 and 1').max(1, 'must be a rate between 0 and 1');

const schema = z
  .object({
    /** How long each call takes. */
    latency: latencySchema.default({ distribution: 'fixed', ms: 10 }),
    /** Same seed, same fates: which calls fail, straggle or hang, and how long each takes. */
    seed: z.number().int().default(1),
    /** Share of attempts that fail with a transient error (a 5xx). */
    transientErrorRate: rate.default(0),
    /** Share of invocations whose function fails (for every attempt: it is the function's nature). */
    functionErrorRate: rate.default(0),
    /** Share of attempts that never answer; they end at the function's timeout. */
    hangRate: rate.default(0),
    /** Share of attempts that take `stragglerFactor` times their latency. */
    stragglerRate: rate.default(0),
    stragglerFactor: z.number().min(1).default(10),
    /** The platform's hidden concurrency limit: calls past it are throttled at once. */
    concurrencyCap: z.number().int().positive().optional(),
    /** The Retry-After hint sent with a throttled call, in ms. */
    retryAfterMs: z.number().min(0).optional(),
    /** Extra latency of an instance's first call; instances stay warm once started. */
    coldStartMs: z.number().min(0).default(0),
    /**
     * The memory the function needs, in MB (for every input, or per input): a call on a deployment
     * with less fails as out of memory, as a real platform would report it.
     */
    memoryNeededMB: z.union([z.number().positive(), z.custom<(input: unknown) => number>((v) => typeof v === 'function', 'must be a number or a function')]).optional(),
    /** Where the platform's time comes from: falco's clock, or a simulated one that runs faster than time. */
    clock: z.custom<Clock>((v) => typeof (v as Clock | undefined)?.sleep === 'function', 'must be a Clock { now, sleep }')
      // A function, so the default is realClock itself (a value default is cloned), which the platform tells apart from a simulated clock.
      .default(() => realClock),
    /** The function: output from input. Defaults to echoing the input. */
    handler: z.custom<(input: unknown) => unknown>((v) => typeof v === 'function', 'must be a function').optional(),
  })
  .strict();

type _Check = Expect<MatchesSchema<SimulatedPlatformOptions, typeof schema>>;

export type SimulatedSettings = z.output<typeof schema>;

export function parseSimulatedOptions(options: SimulatedPlatformOptions | undefined): SimulatedSettings {
  return parseOptions(schema, options, 'SimulatedPlatform');
}
