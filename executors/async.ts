import { z } from 'zod';
import type { PlatformCall } from '../src/call.js';
import type { CongestionController } from '../src/congestion/controller.js';
import { ConfigError } from '../src/errors.js';
import { BaseExecutor, commonExecutorSchema, parseExecutorOptions, type CommonExecutorOptions } from '../src/executor.js';
import type { PhaseExecution } from '../src/phase-execution.js';
import type { Platform } from '../src/platform.js';
import { pollUntil } from '../src/poll.js';
import type { Expect, MatchesSchema } from '../src/schema-check.js';
import { checkPacing, pacing, pacingOptions, type PacingOptions } from './pacing.js';
import { runWindowed } from './windowed.js';

const schema = commonExecutorSchema.extend({
  /** Pacing of the requests (submits and polls), not of the running functions. */
  ...pacingOptions,
  /** The most invocations submitted and not yet collected; default: see `defaultMaxActive`. */
  maxActive: z.number().int('must be a whole number').positive('must be 1 or more').optional(),
  /** The first wait before polling a submitted call; later waits grow by `pollFactor`. */
  pollIntervalMs: z.number().positive('must be more than 0').default(50),
  maxPollIntervalMs: z.number().positive('must be more than 0').default(2_000),
  pollFactor: z.number().min(1, 'must be at least 1').default(1.5),
});

/** The async executor's options: the common ones, the pacing of its requests (submits and polls, not the running functions), and its polling. */
export interface AsyncExecutorOptions extends CommonExecutorOptions, PacingOptions {
  /** The most invocations submitted and not yet collected. @default see `defaultMaxActive` */
  readonly maxActive?: number | undefined;
  /** The first wait before polling a submitted call, in milliseconds; later waits grow by `pollFactor`. @default 50 */
  readonly pollIntervalMs?: number | undefined;
  /** The longest wait between two polls of one call, in milliseconds. @default 2000 */
  readonly maxPollIntervalMs?: number | undefined;
  /** How much longer each wait between polls is than the one before; at least 1. @default 1.5 */
  readonly pollFactor?: number | undefined;
}

type _Check = Expect<MatchesSchema<AsyncExecutorOptions, typeof schema>>;

/**
 * Submit and collect: each invocation is submitted as a non-blocking call and its result is
 * collected by polling with backoff. Slots bound the requests, not the running functions, so far
 * more calls can run than requests are in flight. Each attempt is bounded by the attempt timeout.
 */
export class AsyncExecutor extends BaseExecutor {
  readonly name = 'async';
  readonly #settings: z.output<typeof schema>;

  constructor(options: AsyncExecutorOptions = {}) {
    const parsed = parseExecutorOptions(schema, options, 'AsyncExecutor');
    checkPacing(parsed, 'AsyncExecutor');
    super(parsed);
    this.#settings = parsed;
  }

  protected override platformCall(platform: Platform): PlatformCall {
    const { submit, poll } = platform;
    if (!submit || !poll) {
      throw new ConfigError(
        `AsyncExecutor needs a platform with non-blocking calls (submit and poll); "${platform.name}" has none: use ConcurrentExecutor`,
      );
    }
    const { pollIntervalMs, maxPollIntervalMs, pollFactor } = this.#settings;
    const backoff = { firstMs: pollIntervalMs, maxMs: maxPollIntervalMs, factor: pollFactor };
    return async (target, deployment, input, options, slot) => {
      const submission = await slot(() => submit.call(target, deployment, input, options));
      const { signal } = options;
      return pollUntil(() => slot(() => poll.call(target, deployment, submission, { signal })), backoff, signal);
    };
  }

  protected congestion(platform: Platform): CongestionController {
    return pacing(this.#settings, platform, 'AsyncExecutor');
  }

  protected async schedule<I, O>(execution: PhaseExecution<I, O>): Promise<void> {
    const maxActive = this.#settings.maxActive ?? defaultMaxActive(execution.platform);
    await runWindowed(execution, () => maxActive);
  }
}

/**
 * A platform with a fixed concurrency of its own (the local platform's instance cap) runs no more
 * than that at once, and more submitted calls would only wait for it, or be throttled; a cloud
 * platform queues far more.
 */
function defaultMaxActive(platform: Platform): number {
  const congestion = platform.defaultCongestion;
  return congestion?.kind === 'fixed' ? congestion.concurrency : 1_000;
}
