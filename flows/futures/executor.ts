import { randomUUID } from 'node:crypto';
import { ConcurrentExecutor } from '../../executors/index.js';
import type { Deployable } from '../../src/deployable.js';
import { abortedError, AbortedError, ConfigError, FalcoError, PlanError, toFalcoError } from '../../src/errors.js';
import { EventBus, type FalcoEvents } from '../../src/events.js';
import type { Executor } from '../../src/executor.js';
import type { Invocation } from '../../src/invocation.js';
import { findNonJsonValue } from '../../src/json.js';
import { observe, type Observation, type ObserveOptions } from '../../src/observe/observe.js';
import type { RunSummary } from '../../src/observe/summary.js';
import type { Deployment, Platform } from '../../src/platform.js';
import { callKey, JobFuture, jobName, type JobSpec, type Upstream } from './calls.js';
import { UpstreamFailedError } from './errors.js';
import { inputsOf, type MapInputs, type MapOptions } from './inputs.js';
import { reduceGroups, type MapReduceFutures, type MapReduceOptions, type ReduceInput } from './reduce.js';
import type { Future, GetResultOptions, Settled, WaitOptions, WaitResult } from './types.js';
import { getResult, wait } from './wait.js';

export interface FutureExecutorOptions extends Pick<ObserveOptions, 'records' | 'report' | 'pricing' | 'progress' | 'tracing'> {
  readonly platform: Platform;
  /** How each job's phase is pushed through the platform (retries, congestion control, speculation). @default new ConcurrentExecutor() */
  readonly executor?: Executor;
  /** Aborting stops every call (they end `aborted`) and removes the deployments. */
  readonly signal?: AbortSignal;
  /** Names the run in events, records and the report; a random UUID by default. */
  readonly runId?: string;
}

/** How long removing one deployment may take at close; it runs also after an abort, so it has its own limit. */
const REMOVE_TIMEOUT_MS = 60_000;

/**
 * Lithops' FunctionExecutor on falco: `callAsync`, `map` and `mapReduce` return futures at once;
 * each job is a phase through an executor, so records, retries, congestion control, speculation,
 * costs and reports are a Driver's. Each function is deployed once and reused; `close()` removes them.
 */
export class FutureExecutor {
  /** The same events a Driver emits: attach `observe()`, record writers or progress here. */
  readonly events = new EventBus<FalcoEvents>();
  readonly runId: string;
  readonly #platform: Platform;
  readonly #executor: Executor;
  readonly #controller = new AbortController();
  readonly #observation: Observation;
  readonly #deployments = new Map<Deployable, Promise<Deployment>>();
  /** Invocations handed to the executor and not yet ended, with the future each settles. */
  readonly #pending = new Map<Invocation, JobFuture<unknown>>();
  /** The run's phases as `run:start` announced them: the list grows as jobs are submitted. */
  readonly #phases: string[] = [];
  readonly #running = new Set<Promise<void>>();
  readonly #retries = new Map<string, number>();
  /** The caller's signal: aborting it aborts every call and closes the executor. */
  readonly #signal: AbortSignal | undefined;
  readonly #unlinkSignal: () => void;
  /** Jobs named so far (Lithops numbers A and M jobs; a reducer takes its map's number). */
  #jobs = 0;
  /** Jobs submitted so far, reducers included: their order, for retries. */
  #order = 0;
  #closing: Promise<RunSummary> | undefined;

  constructor(options: FutureExecutorOptions) {
    if (typeof options?.platform?.invoke !== 'function') {
      throw new ConfigError("futureExecutor: platform must be a Platform, such as await createPlatform('local') from 'falco/platforms'");
    }
    if (options.executor !== undefined && typeof options.executor?.execute !== 'function') {
      throw new ConfigError("futureExecutor: executor must be an Executor, such as new ConcurrentExecutor() from 'falco/executors'");
    }
    this.#platform = options.platform;
    this.#executor = options.executor ?? new ConcurrentExecutor();
    this.runId = options.runId ?? randomUUID();
    const { records, report, pricing, progress = false, tracing = false } = options;
    this.#observation = observe(this, { progress, tracing, ...(records ? { records } : {}), ...(report ? { report } : {}), ...(pricing ? { pricing } : {}) });
    this.events.on('invocation:end', ({ invocation }) => {
      const future = this.#pending.get(invocation);
      if (!future) return;
      this.#pending.delete(invocation);
      future.settleFrom(invocation);
    });
    const { signal } = options;
    this.#signal = signal;
    const onAbort = (): void => {
      this.#controller.abort(abortedError(signal?.reason, `the futures of run "${this.runId}"`));
      void this.close().catch(() => {});
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#unlinkSignal = () => signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) onAbort();
  }

  /** Runs `fn` once on `input` (or on the output of the future given): Lithops' `call_async`. */
  callAsync<I, O>(fn: Deployable<I, O>, input: NoInfer<I> | Future<NoInfer<I>>): Future<O> {
    const [future] = this.#submit<O>('A', fn, [input], 'callAsync');
    return future!;
  }

  /**
   * One call of `fn` per input (or per future's output, once they have all ended), as one phase;
   * `{ files }` instead of inputs splits those files into chunks of whole lines (`chunkSize`, `chunkCount`), one call each.
   */
  map<I, O>(fn: Deployable<I, O>, inputs: MapInputs<NoInfer<I>>, options: MapOptions = {}): Future<O>[] {
    return this.#submit<O>('M', fn, inputsOf('map', inputs, options), 'map');
  }

  /**
   * Maps, then reduces: one reducer over every map's output, or with `reduceBy` one per key, each
   * started as soon as that key's maps have ended. The maps' and the reducers' futures come apart.
   */
  mapReduce<I, O, R>(
    mapFn: Deployable<I, O>,
    inputs: MapInputs<NoInfer<I>>,
    reduceFn: Deployable<ReduceInput<NoInfer<O>>, R>,
    options: MapReduceOptions<NoInfer<I>> = {},
  ): MapReduceFutures<O, R> {
    const items = inputsOf('mapReduce', inputs, options);
    const groups = reduceGroups(items, options.reduceBy);
    const maps = this.#submit<O>('M', mapFn, items, 'mapReduce');
    const job = jobName('R', this.#jobs - 1); // Lithops' name: the map job's number, R for M
    const reduceJob: JobSpec = { seq: this.#order++, name: job, fn: reduceFn, alone: true };
    this.#announce(job);
    void this.#deploy(reduceFn, job).catch(() => {}); // alongside the maps; a failure reaches the reducers
    const byKey = new Map<string, Future<R>>();
    const reducers = groups.map(({ key, indexes }, index) => {
      const build = (outputs: readonly unknown[]): ReduceInput<unknown> => (key === undefined ? { results: [...outputs] } : { key, results: [...outputs] });
      const future = new JobFuture<unknown>(callKey(job, index), reduceJob, undefined, { futures: indexes.map((i) => maps[i]!), build }, this);
      this.#launch(job, [future]);
      const reducer = future as Future<unknown> as Future<R>; // typed by the reducer's output, which the platform returns
      if (key !== undefined) byKey.set(key, reducer);
      return reducer;
    });
    return { maps, reducers, byKey };
  }

  wait<O>(futures: readonly Future<O>[], options?: WaitOptions): Promise<WaitResult<O>> {
    return wait(futures, options);
  }

  getResult<O>(futures: readonly Future<O>[], options?: GetResultOptions & { readonly throwOnError?: true }): Promise<O[]>;
  getResult<O>(futures: readonly Future<O>[], options: GetResultOptions & { readonly throwOnError: false }): Promise<Settled<O>[]>;
  getResult<O>(futures: readonly Future<O>[], options?: GetResultOptions): Promise<O[] | Settled<O>[]> {
    return getResult(futures, options);
  }

  /**
   * Waits for `futures` to end, then runs again only the calls that failed or were aborted (and
   * the reducers or chained calls that did not start because of them), in one phase per job.
   * Returns the futures in the same order: those that succeeded as they were, the others new.
   */
  async retryFailed<F extends Future<unknown>>(futures: readonly F[]): Promise<F[]> {
    const own = futures.map((future) => {
      if (!(future instanceof JobFuture) || future.owner !== this) {
        throw new ConfigError(`retryFailed: the future ${String(future?.key)} was not made by this executor; retry it on the executor that made it`);
      }
      return future as JobFuture<unknown>;
    });
    this.#checkOpen('retryFailed');
    await wait(futures, { signal: this.#controller.signal });
    const failed: { index: number; future: JobFuture<unknown> }[] = [];
    for (const [index, future] of own.entries()) {
      if ((await future.settled()).status !== 'succeeded') failed.push({ index, future });
    }
    const replaced = new Map<Future<unknown>, Future<unknown>>();
    const retried: Future<unknown>[] = [...futures];
    for (const [job, calls] of byJob(failed)) {
      const phase = `${job}.retry${(this.#retries.get(job) ?? 0) + 1}`;
      this.#retries.set(job, (this.#retries.get(job) ?? 0) + 1);
      this.#announce(phase);
      const rerun = calls.map(({ index, future: old }) => {
        const upstream = old.upstream && { ...old.upstream, futures: old.upstream.futures.map((up) => replaced.get(up) ?? up) };
        const future = new JobFuture<unknown>(old.key, old.job, old.input, upstream, this);
        replaced.set(old, future);
        retried[index] = future;
        return future;
      });
      this.#launchAll(phase, rerun);
    }
    return retried as F[]; // each rerun's future stands for the same call, with the same output type
  }

  /** The job summary so far: per phase (job) and in total, as `falco report` and `formatSummary` read it. */
  summary(): RunSummary {
    return this.#observation.stats.summary();
  }

  /**
   * Stops what still runs (those calls end `aborted`), removes every deployment, flushes the
   * records, writes the report and resolves with the summary. Idempotent.
   */
  close(): Promise<RunSummary> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<RunSummary> {
    const aborted = this.#controller.signal.aborted;
    if (!aborted) this.#controller.abort(new AbortedError(`the future executor of run "${this.runId}" was closed before the call ended`));
    this.#unlinkSignal();
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    const failures: FalcoError[] = [];
    for (const deploying of this.#deployments.values()) {
      const deployment = await deploying.catch(() => undefined);
      if (deployment) await this.#remove(deployment, failures);
    }
    this.#deployments.clear();
    if (this.#phases.length > 0) {
      const error = aborted ? this.#controller.signal.reason : failures.length > 0 ? failures[0] : undefined;
      this.events.emit('run:end', { runId: this.runId, ...(error === undefined ? {} : { error }) });
    }
    const summary = await this.#observation.close();
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} deployments could not be removed`);
    return summary;
  }

  async #remove(deployment: Deployment, failures: FalcoError[]): Promise<void> {
    try {
      await this.#platform.remove(deployment, { signal: AbortSignal.timeout(REMOVE_TIMEOUT_MS) });
      this.events.emit('remove', { deployment });
    } catch (error) {
      const failure = toFalcoError(error, `removing "${deployment.name}"`);
      failures.push(failure);
      this.events.emit('remove', { deployment, error: failure });
    }
  }

  #checkOpen(owner: string): void {
    if (this.#signal?.aborted) throw abortedError(this.#signal.reason, owner);
    if (this.#closing) throw new ConfigError(`${owner}: this future executor was closed; make a new one with futureExecutor({ platform })`);
  }

  /** Futures for a new job of `kind`, one per item, launched at once. */
  #submit<O>(kind: 'A' | 'M', fn: Deployable, items: readonly unknown[], owner: string): Future<O>[] {
    this.#checkOpen(owner);
    checkDeployable(fn, owner);
    const job = jobName(kind, this.#jobs);
    const spec: JobSpec = { seq: this.#order, name: job, fn, alone: false };
    const calls = items.map((item, index) => {
      const key = callKey(job, index);
      return isFuture(item) ? new JobFuture<unknown>(key, spec, undefined, { futures: [item], build: first }, this) : new JobFuture<unknown>(key, spec, checkedInput(key, item), undefined, this);
    });
    this.#jobs++;
    this.#order++;
    this.#announce(job);
    this.#launchAll(job, calls);
    return calls as Future<unknown>[] as Future<O>[]; // typed by the function's output, which the platform returns
  }

  /** Tells the run's watchers about a new phase; the first one starts the run. */
  #announce(phase: string): void {
    if (this.#phases.includes(phase)) return;
    this.#phases.push(phase);
    if (this.#phases.length === 1) this.events.emit('run:start', { runId: this.runId, phases: this.#phases });
  }

  /** One phase for the calls that run together; one each for those that run alone (reducers by key). */
  #launchAll(phase: string, calls: readonly JobFuture<unknown>[]): void {
    const together = calls.filter(({ job }) => !job.alone);
    if (together.length > 0) this.#launch(phase, together);
    for (const call of calls) if (call.job.alone) this.#launch(phase, [call]);
  }

  /** Runs `calls` (all of one function) as a phase once their inputs are ready; every failure lands on their futures. */
  #launch(phase: string, calls: readonly JobFuture<unknown>[]): void {
    const running = this.#runPhase(phase, calls).catch((error: unknown) => {
      const failure = toFalcoError(error, `phase "${phase}"`);
      for (const future of calls) future.fail(failure);
    });
    this.#running.add(running);
    void running.finally(() => this.#running.delete(running));
  }

  async #runPhase(phase: string, calls: readonly JobFuture<unknown>[]): Promise<void> {
    const [deployment, ready] = await Promise.all([this.#deploy(calls[0]!.job.fn, phase), this.#ready(calls)]);
    if (ready.length === 0) return;
    const { signal } = this.#controller;
    if (signal.aborted) throw signal.reason;
    const invocations = ready.map(({ future, input }) => {
      const invocation: Invocation = { id: future.key, phase, input, status: 'pending', attempts: [] };
      this.#pending.set(invocation, future);
      return invocation;
    });
    try {
      await this.#executor.execute({ id: phase, invocations }, deployment, this.#platform, { events: this.events, signal });
    } finally {
      for (const invocation of invocations) {
        const future = this.#pending.get(invocation);
        this.#pending.delete(invocation);
        if (future && invocation.status !== 'pending') future.settleFrom(invocation);
      }
    }
  }

  /**
   * Waits for the calls' upstream futures, then builds each input. A call whose upstream did not
   * succeed, or whose input JSON cannot carry, fails here; the rest are ready to run.
   */
  async #ready(calls: readonly JobFuture<unknown>[]): Promise<{ future: JobFuture<unknown>; input: unknown }[]> {
    const upstream = [...new Set(calls.flatMap((call) => call.upstream?.futures ?? []))];
    if (upstream.length > 0) await wait(upstream, { signal: this.#controller.signal });
    const ready: { future: JobFuture<unknown>; input: unknown }[] = [];
    for (const future of calls) {
      if (!future.upstream) ready.push({ future, input: future.input }); // checked when it was submitted
      else {
        try {
          ready.push({ future, input: await builtInput(future.key, future.upstream) });
        } catch (error) {
          future.fail(toFalcoError(error));
        }
      }
    }
    return ready;
  }

  /** Each function is deployed once per executor; a deploy that failed is tried again by the next job. */
  #deploy(fn: Deployable, phase: string): Promise<Deployment> {
    let deploying = this.#deployments.get(fn);
    if (!deploying) {
      deploying = this.#platform.deploy(fn, { signal: this.#controller.signal });
      this.#deployments.set(fn, deploying);
      deploying.then(
        (deployment) => this.events.emit('deploy', { phase, deployment }),
        () => this.#deployments.delete(fn),
      );
    }
    return deploying;
  }
}

/** Lithops' FunctionExecutor: `futureExecutor({ platform })`, then `map`, `callAsync`, `mapReduce`, `getResult`, `close`. */
export function futureExecutor(options: FutureExecutorOptions): FutureExecutor {
  return new FutureExecutor(options);
}

/** The input of a call that waits for others, once they have ended; an UpstreamFailedError if one did not succeed. */
async function builtInput(key: string, { futures, build }: Upstream): Promise<unknown> {
  const settled = await Promise.all(futures.map((future) => future.settled()));
  const failed = futures.filter((_, i) => settled[i]!.status !== 'succeeded').map((future) => future.key);
  if (failed.length > 0) throw new UpstreamFailedError(key, failed);
  return checkedInput(key, build(settled.map((s) => (s.status === 'succeeded' ? s.output : undefined))));
}

/** The calls to rerun, grouped by job, upstream jobs first. */
function byJob<C extends { future: JobFuture<unknown> }>(calls: readonly C[]): Map<string, C[]> {
  const jobs = new Map<string, C[]>();
  for (const call of [...calls].sort((a, b) => a.future.job.seq - b.future.job.seq)) {
    let job = jobs.get(call.future.job.name);
    if (!job) jobs.set(call.future.job.name, (job = []));
    job.push(call);
  }
  return jobs;
}

/** A chained call's input: the output of the one future it waits for. */
function first(outputs: readonly unknown[]): unknown {
  return outputs[0];
}

function checkedInput(key: string, input: unknown): unknown {
  const problem = findNonJsonValue(input, 'input');
  if (problem) throw new PlanError(`call ${key}: ${problem}; inputs travel as JSON`);
  return input;
}

function isFuture(value: unknown): value is Future<unknown> {
  return typeof (value as Partial<Future<unknown>> | null)?.settled === 'function' && typeof (value as Partial<Future<unknown>>).key === 'string';
}

function checkDeployable(fn: Deployable, owner: string): void {
  if (typeof fn?.runtime !== 'string' || typeof fn.code !== 'object') {
    throw new ConfigError(`${owner}: the function must be a Deployable, made with deployable({ runtime, code, ... }) from 'falco'`);
  }
}
