import { z } from 'zod';
import { AimdController } from './aimd.js';
import type { CongestionController } from './controller.js';
import { fixedConcurrency } from './fixed.js';
import { PidController } from './pid.js';
import type { Expect, MatchesSchema } from '../schema-check.js';
import { TokenBucketController } from './token-bucket.js';

const positiveInt = z.number().int('must be a whole number').positive('must be 1 or more');

const fixedSchema = z.object({ kind: z.literal('fixed'), concurrency: positiveInt }).strict();
const rateSchema = z
  .object({
    kind: z.literal('rate'),
    perSecond: z.number().positive('must be more than 0'),
    burst: positiveInt.default(1),
    concurrency: positiveInt.default(1_000),
  })
  .strict();
const aimdSchema = z
  .object({
    kind: z.literal('aimd'),
    initial: positiveInt.default(16),
    min: positiveInt.default(1),
    max: positiveInt.default(1_000),
    increase: z.number().positive().default(1),
    decrease: z.number().gt(0).lt(1, 'must be below 1').default(0.9),
  })
  .strict();
const pidSchema = z
  .object({
    kind: z.literal('pid'),
    targetPerSecond: z.number().positive('must be more than 0 calls a second'),
    kp: z.number().min(0).default(0.5),
    ki: z.number().min(0).default(1),
    kd: z.number().min(0).default(0),
    intervalMs: z.number().int().min(10, 'must be at least 10 ms').default(200),
    maxConcurrency: positiveInt.default(1_000),
  })
  .strict();

export const congestionSchema = z.discriminatedUnion('kind', [fixedSchema, rateSchema, aimdSchema, pidSchema]);

/** A fixed number of requests in flight at once. */
export interface FixedCongestionOptions {
  readonly kind: 'fixed';
  /** The requests in flight at once, 1 or more. */
  readonly concurrency: number;
}

/** A token bucket: at most `perSecond` requests a second on average, `burst` at once after a lull. */
export interface RateCongestionOptions {
  readonly kind: 'rate';
  /** Requests a second, on average; more than 0. */
  readonly perSecond: number;
  /** Requests that may go out at once after a lull (the bucket's size). @default 1 */
  readonly burst?: number | undefined;
  /** The most requests in flight at once, whatever the rate. @default 1000 */
  readonly concurrency?: number | undefined;
}

/** Additive increase, multiplicative decrease on the platform's throttling, as TCP does. */
export interface AimdCongestionOptions {
  readonly kind: 'aimd';
  /** The window (requests in flight) it starts with. @default 16 */
  readonly initial?: number | undefined;
  /** The smallest window. @default 1 */
  readonly min?: number | undefined;
  /** The largest window. @default 1000 */
  readonly max?: number | undefined;
  /** How much the window grows per window of successful calls. @default 1 */
  readonly increase?: number | undefined;
  /** What the window is multiplied by on throttling, between 0 and 1. @default 0.9 */
  readonly decrease?: number | undefined;
}

/** A PID controller steering the concurrency toward a target rate of calls a second. */
export interface PidCongestionOptions {
  readonly kind: 'pid';
  /** The calls a second it steers toward; more than 0. */
  readonly targetPerSecond: number;
  /** The proportional gain. @default 0.5 */
  readonly kp?: number | undefined;
  /** The integral gain. @default 1 */
  readonly ki?: number | undefined;
  /** The derivative gain. @default 0 */
  readonly kd?: number | undefined;
  /** How often the controller adjusts, in milliseconds; at least 10. @default 200 */
  readonly intervalMs?: number | undefined;
  /** The most requests in flight at once. @default 1000 */
  readonly maxConcurrency?: number | undefined;
}

/** How requests are paced: a fixed concurrency, a rate limit, AIMD on the platform's throttling, or a PID controller toward a target rate. */
export type CongestionOptions = FixedCongestionOptions | RateCongestionOptions | AimdCongestionOptions | PidCongestionOptions;

type _Checks = [
  Expect<MatchesSchema<FixedCongestionOptions, typeof fixedSchema>>,
  Expect<MatchesSchema<RateCongestionOptions, typeof rateSchema>>,
  Expect<MatchesSchema<AimdCongestionOptions, typeof aimdSchema>>,
  Expect<MatchesSchema<PidCongestionOptions, typeof pidSchema>>,
];

/** A controller from parsed options (`parseOptions(congestionSchema, ...)`). */
export function createCongestionController(options: z.output<typeof congestionSchema>): CongestionController {
  switch (options.kind) {
    case 'fixed':
      return fixedConcurrency(options.concurrency);
    case 'rate':
      return new TokenBucketController(options.perSecond, options.burst, options.concurrency);
    case 'aimd':
      return new AimdController(options);
    case 'pid':
      return new PidController(options);
  }
}

export { AimdController, type AimdSettings } from './aimd.js';
export type { CallOutcome, CongestionController, SlotLimit, Slots } from './controller.js';
export { fixedConcurrency } from './fixed.js';
export { PidController, type PidSettings } from './pid.js';
export { SlotWindow } from './slot-window.js';
export { TokenBucketController } from './token-bucket.js';
