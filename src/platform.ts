import type { Deployable } from './deployable.js';
import type { CongestionOptions } from './congestion/index.js';
import type { PlatformTimings } from './errors.js';

/** A deployed function, as the platform that deployed it names it. */
export interface Deployment {
  /** The platform's name for the function; unique, with falco's prefix so leftovers can be found. */
  readonly name: string;
  readonly platform: string;
  readonly runtime: string;
  readonly memoryMB: number;
  readonly timeoutMs: number;
  /** False when the function must not run twice for one input (no speculative re-execution). */
  readonly idempotent: boolean;
}

export interface CallOptions {
  /** Platforms must honour it: stop waiting and reject as soon as it aborts. */
  readonly signal?: AbortSignal | undefined;
}

export interface InvokeOptions extends CallOptions {
  readonly invocationId: string;
  /** 1 for the first try. */
  readonly attempt: number;
  /** A speculative copy of an attempt still running (see `speculation`). */
  readonly speculative?: boolean;
}

/** What a successful call returns: the function's output and what the platform measured. */
export interface InvokeResult<O = unknown> extends PlatformTimings {
  readonly output: O;
}

/** A non-blocking call the platform accepted; `poll` collects its result. */
export interface Submission {
  readonly activationId: string;
}

/**
 * A FaaS platform adapter. Every failure it throws is a FalcoError of the taxonomy, with the
 * SDK's own error as `cause`; secrets never appear in a message.
 */
export interface Platform {
  readonly name: string;
  /**
   * How an executor paces requests here when the user does not say: AIMD for cloud platforms,
   * whose account limits the user need not know; the instance cap for the local platform.
   */
  readonly defaultCongestion?: CongestionOptions;
  deploy(deployable: Deployable, options?: CallOptions): Promise<Deployment>;
  /** Finds a function deployed earlier by its name; undefined when there is none. */
  fetchDeployment(name: string, options?: CallOptions): Promise<Deployment | undefined>;
  /** A blocking call: resolves with the function's output, or throws a FalcoError. */
  invoke<O = unknown>(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<InvokeResult<O>>;
  /** A non-blocking call, for platforms that have one. */
  submit?(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<Submission>;
  /** The result of a submitted call, or undefined while it is still running. */
  poll?<O = unknown>(deployment: Deployment, submission: Submission, options?: CallOptions): Promise<InvokeResult<O> | undefined>;
  remove(deployment: Deployment, options?: CallOptions): Promise<void>;
  /** Releases the adapter's own resources (sockets, instances). Idempotent. */
  close(): Promise<void>;
}

export type { Deployable };
