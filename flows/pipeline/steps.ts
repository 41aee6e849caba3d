import type { Deployable } from '../../src/deployable.js';
import type { Executor } from '../../src/executor.js';
import type { Invocation } from '../../src/invocation.js';
import type { RetryOptions } from '../../src/retry.js';
import type { Json, JsonObject } from '../../stores/ports/workspace.js';

/** What a modifier, a response handler or a failure handler is handed beside the data. */
export interface StepContext {
  readonly pipeline: string;
  readonly requestId: string;
  /** The step's index in the pipeline (0 for the first). */
  readonly position: number;
  /** The request's query (`run(input, { query })`), as Faasflow's `context.Query`. */
  readonly query: Readonly<Record<string, string>>;
  /** State that travels with the request from phase to phase (Faasflow's embedded state): JSON values by key. */
  readonly state: StepState;
}

export interface StepState {
  get<T extends Json = Json>(key: string): T | undefined;
  /** Values must be JSON: anything else is a `ConfigError` naming the key. */
  set(key: string, value: Json): void;
  del(key: string): boolean;
}

export interface ApplyOptions<O> {
  /**
   * A sync apply runs in the phase of the steps around it; an async one (the default, as in
   * Faasflow) ends its phase: its output is forwarded, and the next phase may run in another process.
   */
  readonly sync?: boolean;
  /** Reach the function in its input as `__ow_headers` (OpenWhisk's web-action convention): the input must then be an object. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Reach the function in its input as `__ow_query`. */
  readonly query?: Readonly<Record<string, string>>;
  /** Sees the function's output before the next step; throw to fail the step. */
  readonly onResponse?: (output: O, invocation: Invocation, context: StepContext) => void | Promise<void>;
  /** How the call is retried (the executors' policy); default: throttled and transient errors, 4 attempts. */
  readonly retry?: RetryOptions;
}

export interface ApplyEachOptions<O> extends Omit<ApplyOptions<O>, 'onResponse'> {
  /** Calls in flight at once. @default the platform's default */
  readonly concurrency?: number;
}

export interface CallbackOptions {
  /** Sent with the POST; their values are treated as secrets and never appear in a message or record. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  /** How long the callback may take, in ms. @default 30000 */
  readonly timeoutMs?: number;
}

export type Step =
  | { readonly kind: 'modify'; readonly label: string; readonly fn: (data: never, context: StepContext) => unknown }
  | {
      readonly kind: 'apply';
      readonly label: string;
      readonly deployable: Deployable;
      readonly sync: boolean;
      readonly each: boolean;
      readonly headers?: Readonly<Record<string, string>>;
      readonly query?: Readonly<Record<string, string>>;
      readonly onResponse?: ApplyOptions<never>['onResponse'];
      readonly executor: Executor;
    }
  | { readonly kind: 'callback'; readonly label: string; readonly url: URL; readonly headers: Readonly<Record<string, string>>; readonly timeoutMs: number };

/** An `apply` or `applyEach` step. */
export type ApplyStep = Extract<Step, { readonly kind: 'apply' }>;

/** How a request ended, as `finally` sees it and `status()` reports it. */
export type FinalState<O> =
  | { readonly state: 'succeeded'; readonly requestId: string; readonly output: O }
  | { readonly state: 'failed' | 'stopped'; readonly requestId: string; readonly error: Error };

export type FailureHandler<O> = (error: Error, context: StepContext & { readonly step: string }) => O | Promise<O>;
export type FinallyHandler<O> = (final: FinalState<O>, context: StepContext) => void | Promise<void>;

export type { Json, JsonObject };
