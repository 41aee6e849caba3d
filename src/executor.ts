import { z } from 'zod';
import { ConfigError } from './errors.js';
import type { EventBus, FalcoEvents } from './events.js';
import type { Invocation } from './invocation.js';
import type { CommonExecutorOptions } from './executor-options.js';
import { parseOptions } from './options.js';
import type { Expect, MatchesSchema } from './schema-check.js';
import { blockingCall, type PlatformCall } from './call.js';
import type { Budget } from './budget.js';
import type { MemoryRetry } from './memory-retry.js';
import type { CongestionController } from './congestion/controller.js';
import { PhaseExecution, type PendingInvocations } from './phase-execution.js';
import { speculationSchema } from './speculation.js';
import type { PhaseResult } from './phase-result.js';
import type { Deployment, Platform } from './platform.js';
import { retryPolicy, type RetryOptions, type RetryPolicy } from './retry.js';

/**
 * A phase as an executor receives it: its id and its pending invocation records, as an array or
 * made one by one from an iterable (so a phase of ten million never holds them all).
 */
export interface PhaseRun<I = unknown, O = unknown> {
  readonly id: string;
  readonly invocations: PendingInvocations<I, O>;
  /**
   * `kept`: the result holds every record (the array's own records, updated in place);
   * `streamed`: each record is let go once its `invocation:end` event is out, and the result keeps
   * counts. Default: kept for an array, streamed for any other iterable.
   */
  readonly records?: 'kept' | 'streamed';
  /** How many invocations an iterable will yield, where known: progress shows it. */
  readonly size?: number;
}

export interface ExecuteOptions {
  /** Aborting stops the phase: nothing new starts, calls in flight are cancelled, records say `aborted`. */
  readonly signal?: AbortSignal;
  readonly events?: EventBus<FalcoEvents>;
  /** A spending limit for this phase (a run's `budget`): attempts stop going out once it would be passed. */
  readonly budget?: Budget;
  /** Retry invocations that ran out of memory on a deployment with twice the memory (a run's `memoryRetry`). */
  readonly memoryRetry?: MemoryRetry;
}

/** Pushes a phase's invocations through a platform. Resolves with every record final; never drops an error. */
export interface Executor {
  readonly name: string;
  execute<I, O>(
    phase: PhaseRun<I, O>,
    deployment: Deployment,
    platform: Platform,
    options?: ExecuteOptions,
  ): Promise<PhaseResult<I, O>>;
}

export const commonExecutorSchema = z.object({
  retry: z.custom<RetryOptions>().optional(),
  /** Client-side limit on one attempt, in ms; defaults to the function's timeout plus 10 s. */
  attemptTimeoutMs: z.number().int().positive('must be a positive number of milliseconds').optional(),
  /** Stop the phase at the first fatal error (bad credentials, missing deployment): default true. */
  stopOnFatal: z.boolean().default(true),
  /** Launch a copy of attempts that run far longer than the phase's median (off unless given). */
  speculation: speculationSchema.optional(),
});

export type { CommonExecutorOptions } from './executor-options.js';
type _Check = Expect<MatchesSchema<CommonExecutorOptions, typeof commonExecutorSchema>>;
type CommonExecutorSettings = z.output<typeof commonExecutorSchema>;

/** Parses an executor's options with its schema (strict: unknown options are errors). */
export function parseExecutorOptions<S extends z.ZodObject>(schema: S, options: unknown, owner: string): z.output<S> {
  return parseOptions(schema.strict(), options, owner) as z.output<S>;
}

/**
 * The shared part of every executor: options, the phase's state and its final result.
 * A strategy only decides when each invocation starts (`schedule`).
 */
export abstract class BaseExecutor implements Executor {
  abstract readonly name: string;
  protected readonly options: CommonExecutorSettings;
  protected readonly retry: RetryPolicy;

  /** `options` as parsed by the subclass's schema, an extension of `commonExecutorSchema`. */
  protected constructor(options: CommonExecutorSettings) {
    this.options = options;
    this.retry = retryPolicy(options.retry);
  }

  async execute<I, O>(
    phase: PhaseRun<I, O>,
    deployment: Deployment,
    platform: Platform,
    options: ExecuteOptions = {},
  ): Promise<PhaseResult<I, O>> {
    if (!deployment) {
      throw new ConfigError(`${this.name}: phase "${phase.id}" has no deployment; deploy it before executing`);
    }
    const isArray = Array.isArray(phase.invocations);
    const execution = new PhaseExecution<I, O>(phase.id, phase.invocations, {
      platform,
      deployment,
      retry: this.retry,
      attemptTimeoutMs: this.options.attemptTimeoutMs,
      stopOnFatal: this.options.stopOnFatal,
      call: this.platformCall(platform),
      congestion: this.congestion(platform),
      speculation: this.options.speculation,
      signal: options.signal,
      events: options.events,
      budget: options.budget?.forPhase(phase.id, deployment),
      memoryRetry: options.memoryRetry,
      keepRecords: (phase.records ?? (isArray ? 'kept' : 'streamed')) === 'kept',
    });
    const size = isArray ? (phase.invocations as readonly Invocation[]).length : phase.size;
    options.events?.emit('phase:start', { phase: phase.id, size, deployment });
    let result: PhaseResult<I, O>;
    try {
      await this.schedule(execution);
    } finally {
      result = await execution.finish();
    }
    options.events?.emit('phase:end', { result: result as PhaseResult });
    return result;
  }

  /** How one attempt reaches the platform; the async executor submits and polls instead. */
  protected platformCall(_platform: Platform): PlatformCall {
    return blockingCall;
  }

  /** Paces the phase's requests; a new controller per phase. */
  protected abstract congestion(platform: Platform): CongestionController;

  /** Starts every invocation of the phase (via `execution.run`) and resolves when all have ended. */
  protected abstract schedule<I, O>(execution: PhaseExecution<I, O>): Promise<void>;
}
