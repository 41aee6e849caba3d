import type { TracerProvider } from '@opentelemetry/api';
import { ConcurrentExecutor, SequentialExecutor } from '../../executors/index.js';
import type { Deployable } from '../../src/deployable.js';
import type { Executor } from '../../src/executor.js';
import { ConfigError } from '../../src/errors.js';
import { EventBus, type FalcoEvents } from '../../src/events.js';
import type { Platform } from '../../src/platform.js';
import type { StateManager } from '../../stores/ports/state.js';
import { callbackUrl } from './callback.js';
import { DEFINITION_OF, type PipelineDefinition } from './definition.js';
import { PipelineRequests } from './requests.js';
import { checkForwarding, type EventForwarding } from './forwarding.js';
import { checkFunctionForwarding, isFunctionForwarding, type FunctionForwarding } from './function-forwarding.js';
import { phasesOf } from './phases.js';
import type { ApplyEachOptions, ApplyOptions, ApplyStep, CallbackOptions, FailureHandler, FinallyHandler, Json, Step, StepContext } from './steps.js';
import type { RequestStatus } from './ledger.js';

/** Where and how a pipeline's requests run. */
export interface PipelineOptions {
  /** Where the applied functions run (`await createPlatform('local')`); not needed to submit to a pipeline's function, which names its own. */
  readonly platform?: Platform;
  /**
   * Where each request's status lives (position, phase, timings, pause and stop, the `finally`
   * claim). Every process that works on a request must share it. @default this process's memory
   */
  readonly state?: StateManager;
  /**
   * Forward requests between phases through an event stream (`EventForwarding`), or by invoking the
   * pipeline's own function through an action worker (`FunctionForwarding`). @default in this process
   */
  readonly forwarding?: EventForwarding | FunctionForwarding;
  /** The executors' events of every apply: attach `observe()`, record writers and `RunStats` here. */
  readonly events?: EventBus<FalcoEvents>;
  /** Spans: a trace per request, a span per phase and per step, the invocations under their step. @default the global provider */
  readonly tracerProvider?: TracerProvider;
}

export interface SubmitOptions extends PipelineOptions {
  /** @default a random UUID */
  readonly requestId?: string;
  /** The request's query, seen by every step as `context.query`. */
  readonly query?: Readonly<Record<string, string>>;
}

export interface RunOptions extends SubmitOptions {
  /** Aborting stops the request (as `stop(requestId)`) and rejects with a `PipelineStoppedError`. */
  readonly signal?: AbortSignal;
}

export interface PipelineResult<O> {
  readonly output: O;
  readonly requestId: string;
}

/** Options of the controls: the state store the requests live in; `resume` also forwards, so it takes the forwarding. */
export type ControlOptions = Pick<PipelineOptions, 'state' | 'forwarding'>;

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** True when data of type `Have` may be handed to a step that takes `Want`. */
type Fits<Have, Want> = [Have] extends [Want] ? unknown : { readonly 'this step takes another input than the step before gives': Want };

/**
 * A Faasflow pipeline: `modify` (inline code), `apply` (a falco deployable, sync or async), `applyEach`
 * (fan-out), `callback` (an http(s) POST of the data), then `onFailure` and `finally`. Each call
 * returns a new pipeline typed by the output of its last step. Consecutive sync steps form one phase;
 * an async apply ends its phase, and the request is forwarded to the next.
 */
export class Pipeline<I, O> {
  readonly name: string;
  readonly #steps: readonly Step[];
  readonly #onFailure: FailureHandler<unknown> | undefined;
  readonly #finally: FinallyHandler<unknown> | undefined;
  readonly #requests: PipelineRequests;

  /** @internal Use `pipeline(name)`. */
  constructor(name: string, steps: readonly Step[] = [], handlers: { onFailure?: FailureHandler<unknown>; finally?: FinallyHandler<unknown> } = {}, requests?: PipelineRequests) {
    this.name = name;
    this.#steps = steps;
    this.#onFailure = handlers.onFailure;
    this.#finally = handlers.finally;
    this.#requests = requests ?? new PipelineRequests();
    // Read by the pipeline's function (definitionOf), which may load the user's module with another copy of falco.
    Object.defineProperty(this, DEFINITION_OF, { value: () => this.#definition({}) });
  }

  /** Inline code between functions: gets the data (and the request's context), returns the next data. */
  modify<R>(fn: (data: O, context: StepContext) => R | Promise<R>): Pipeline<I, R> {
    if (typeof fn !== 'function') throw new ConfigError(`pipeline "${this.name}": modify() takes a function (data, context) => next data`);
    return this.#with({ kind: 'modify', label: `${this.#steps.length}.modify`, fn });
  }

  /** Calls a deployed function with the data; its output is the next data. */
  apply<FI, FO>(deployable: Deployable<FI, FO> & Fits<O, FI>, options: ApplyOptions<FO> = {}): Pipeline<I, FO> {
    const step = this.#applyStep(deployable, options, 'apply', new SequentialExecutor(options.retry ? { retry: options.retry } : {}));
    return this.#with(options.onResponse ? { ...step, onResponse: options.onResponse as never } : step);
  }

  /** Fan-out: calls the function once per item of the data (a list), as one phase of invocations; the next data is the list of outputs. */
  applyEach<FI, FO>(deployable: Deployable<FI, FO> & Fits<O, readonly FI[]>, options: ApplyEachOptions<FO> = {}): Pipeline<I, FO[]> {
    const executor = new ConcurrentExecutor({ ...(options.concurrency ? { concurrency: options.concurrency } : {}), ...(options.retry ? { retry: options.retry } : {}) });
    return this.#with(this.#applyStep(deployable, options, 'applyEach', executor));
  }

  /** POSTs the data (JSON) to an http(s) URL; the data passes on unchanged. */
  callback(url: string, options: CallbackOptions = {}): Pipeline<I, O> {
    const target = callbackUrl(url, options);
    return this.#with({ kind: 'callback', label: `${this.#steps.length}.callback(${target.host})`, url: target, headers: { ...options.headers }, timeoutMs: options.timeoutMs ?? 30_000 });
  }

  /** Called when a step fails, with its error: return data to end the request succeeded with it, or throw to fail it. */
  onFailure(handler: FailureHandler<O>): Pipeline<I, O> {
    if (typeof handler !== 'function') throw new ConfigError(`pipeline "${this.name}": onFailure() takes a function (error, context) => data`);
    return new Pipeline(this.name, this.#steps, { onFailure: handler as FailureHandler<unknown>, ...(this.#finally ? { finally: this.#finally } : {}) }, this.#requests);
  }

  /** Runs exactly once per request when it ends, succeeded, failed or stopped, in whichever process ends it. */
  finally(handler: FinallyHandler<O>): Pipeline<I, O> {
    if (typeof handler !== 'function') throw new ConfigError(`pipeline "${this.name}": finally() takes a function (final state, context) => void`);
    return new Pipeline(this.name, this.#steps, { ...(this.#onFailure ? { onFailure: this.#onFailure } : {}), finally: handler as FinallyHandler<unknown> }, this.#requests);
  }

  /** Runs a request to its end: resolves with its output, rejects with a `PipelineFailedError` (or `PipelineStoppedError`). */
  async run(input: I, options: RunOptions): Promise<PipelineResult<O>> {
    const { output, requestId } = await this.#requests.run(this.#definition(options), input as Json, options);
    return { output: output as O, requestId };
  }

  /** Starts a request and resolves with its id once its first phase is on its way; `status(id)` follows it. */
  submit(input: I, options: SubmitOptions): Promise<string> {
    return this.#requests.submit(this.#definition(options), input as Json, options);
  }

  /**
   * Runs the phases forwarded through `options.forwarding` in this process until `stop()`: start one
   * in each process that should work on the pipeline's requests (the same pipeline, the same store).
   */
  worker(options: PipelineOptions & { readonly forwarding: EventForwarding }): Promise<{ stop(): Promise<void>; readonly done: Promise<void> }> {
    return this.#requests.worker(this.#definition(options), options);
  }

  /** A request's status: its state, phase, position and phase timings; undefined when the store holds none. */
  status(requestId: string, options: ControlOptions = {}): Promise<RequestStatus | undefined> {
    return this.#requests.status(requestId, options);
  }

  /** Pauses a running request: the phase in hand finishes, the next waits for `resume`. */
  pause(requestId: string, options: ControlOptions = {}): Promise<RequestStatus> {
    return this.#requests.pause(this.#definition(options), requestId, options);
  }

  /** Resumes a paused request: its next phase is forwarded again. */
  resume(requestId: string, options: ControlOptions = {}): Promise<RequestStatus> {
    return this.#requests.resume(this.#definition(options), requestId, options);
  }

  /** Stops a request: calls in flight in this process are aborted, no further phase runs, `finally` runs with `stopped`. */
  stop(requestId: string, options: ControlOptions = {}): Promise<RequestStatus> {
    return this.#requests.stop(this.#definition(options), requestId, options);
  }

  #applyStep(deployable: Deployable, options: ApplyEachOptions<unknown>, method: 'apply' | 'applyEach', executor: Executor): ApplyStep {
    checkDeployable(deployable, this.name, method);
    return {
      kind: 'apply',
      label: `${this.#steps.length}.${method}(${deployable.name})`,
      deployable,
      sync: options.sync ?? false,
      each: method === 'applyEach',
      ...(options.headers ? { headers: { ...options.headers } } : {}),
      ...(options.query ? { query: { ...options.query } } : {}),
      executor,
    };
  }

  #with(step: Step): Pipeline<I, never> {
    const handlers = { ...(this.#onFailure ? { onFailure: this.#onFailure } : {}), ...(this.#finally ? { finally: this.#finally } : {}) };
    return new Pipeline(this.name, [...this.#steps, step], handlers, this.#requests);
  }

  #definition(options: Pick<PipelineOptions, 'forwarding'>): PipelineDefinition {
    if (this.#steps.length === 0) throw new ConfigError(`pipeline "${this.name}" has no steps: add modify(), apply(), applyEach() or callback() before running it`);
    if (options.forwarding && isFunctionForwarding(options.forwarding)) checkFunctionForwarding(options.forwarding, this.name);
    else if (options.forwarding) checkForwarding(options.forwarding, this.name);
    return {
      name: this.name,
      steps: this.#steps,
      phases: phasesOf(this.#steps),
      ...(this.#onFailure ? { onFailure: this.#onFailure } : {}),
      ...(this.#finally ? { finally: this.#finally } : {}),
    };
  }
}

/** A new, empty pipeline; its name names its requests, spans and records (1-40 lower-case letters, digits or dashes). */
export function pipeline<I = Json>(name: string): Pipeline<I, I> {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ConfigError(`pipeline name "${String(name)}" must be 1-40 lower-case letters, digits or dashes, starting with a letter or digit`);
  }
  return new Pipeline<I, I>(name);
}

function checkDeployable(deployable: Deployable, pipelineName: string, method: string): void {
  const value = deployable as Partial<Deployable> | undefined;
  if (!value || typeof value !== 'object' || typeof value.runtime !== 'string' || typeof value.code !== 'object' || typeof value.name !== 'string') {
    throw new ConfigError(`pipeline "${pipelineName}": ${method}() takes a deployable made with deployable({ runtime, code, ... }), got ${value === null ? 'null' : typeof value}`);
  }
}
