import { z } from 'zod';
import { AimdController } from './aimd.js';
import type { CongestionController } from './controller.js';
import { fixedConcurrency } from './fixed.js';
import { PidController } from './pid.js';
import { TokenBucketController } from './token-bucket.js';

const positiveInt = z.number().int('must be a whole number').positive('must be 1 or more');

export const congestionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), concurrency: positiveInt }).strict(),
  z
    .object({
      kind: z.literal('rate'),
      perSecond: z.number().positive('must be more than 0'),
      burst: positiveInt.default(1),
      concurrency: positiveInt.default(1_000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('aimd'),
      initial: positiveInt.default(16),
      min: positiveInt.default(1),
      max: positiveInt.default(1_000),
      increase: z.number().positive().default(1),
      decrease: z.number().gt(0).lt(1, 'must be below 1').default(0.9),
    })
    .strict(),
  z
    .object({
      kind: z.literal('pid'),
      targetPerSecond: z.number().positive('must be more than 0 calls a second'),
      kp: z.number().min(0).default(0.5),
      ki: z.number().min(0).default(1),
      kd: z.number().min(0).default(0),
      intervalMs: z.number().int().min(10, 'must be at least 10 ms').default(200),
      maxConcurrency: positiveInt.default(1_000),
    })
    .strict(),
]);

/** How requests are paced: a fixed concurrency, a rate limit, AIMD on the platform's throttling, or a PID controller toward a target rate. */
export type CongestionOptions = z.input<typeof congestionSchema>;

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
