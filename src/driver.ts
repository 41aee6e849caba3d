import { randomUUID } from 'node:crypto';
import { brand, isInstance } from './brand.js';
import { now } from './clock.js';
import type { Budget, BudgetOptions } from './budget.js';
import type { Deployable } from './deployable.js';
import type { MemoryRetry, MemoryRetryOptions } from './memory-retry.js';
import { abortedError, AbortedError, ConfigError, FalcoError, FatalError, messageOf, PhaseNotStartedError, PlanError, toFalcoError } from './errors.js';
import { EventBus, type FalcoEvents } from './events.js';
import type { Executor, PhaseRun } from './executor.js';
import { createInvocations, invocationMaker, type Invocation, type InvocationRequest } from './invocation.js';
import type { Journal } from './journal/journal.js';
import { JournalSession, type ResumeOptions } from './journal/resume.js';
import { ExecutionPlan, isRequestSource, type AnyPhase, type Phase, type PhaseContext, type PhaseInput, type PhaseOutput, type RequestSource } from './plan.js';
import { countStatuses, type PhaseResult } from './phase-result.js';
import type { CallOptions, Deployment, Platform } from './platform.js';
import type { Runtime } from './runtime.js';

/** One typed `PhaseResult` per phase of the plan: a tuple for a plan built from a tuple. */
export type PhaseResults<Phases extends readonly AnyPhase[]> = { -readonly [K in keyof Phases]: PhaseResult<PhaseInput<Phases[K]>, PhaseOutput<Phases[K]>> };

/** What a run produced: the result of each phase, in plan order, typed by the plan's phases. */
export interface RunResult<Phases extends readonly AnyPhase[] = readonly AnyPhase[]> {
  readonly runId: string;
  readonly phases: PhaseResults<Phases>;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface RunOptions {
  /** Names the run in events and records. @default a random UUID */
  readonly runId?: string | undefined;
  /**
   * Keeps every final record as it completes. Run again with the same journal and what is done is
   * skipped, its outputs reused: `FileJournal.forRun(runId)` is the embedded store.
   */
  readonly journal?: Journal | undefined;
  /** What a run with a journal reruns. @default everything but the invocations that succeeded */
  readonly resume?: ResumeOptions | undefined;
  /**
   * `keep`: each phase result holds every record. `stream`: a phase lets each record go once it has
   * ended (its `invocation:end` event has reached the journal and any record writers) and keeps
   * counts; its outputs are read back from the journal (`readOutputs`). By default a phase streams
   * when the run has a journal and the phase has more than 100,000 invocations or takes them from
   * an iterable; it keeps its records otherwise.
   * @default 'stream' past 100,000 invocations or from an iterable when there is a journal, else 'keep'
   */
  readonly records?: 'keep' | 'stream' | undefined;
  /**
   * A spending limit in US dollars: once the running cost estimate would pass it, no more attempts
   * go out and the invocations not yet run end `aborted`, saying why. `pricing` names the price
   * table on platforms without one (local, simulated), e.g. `{ usd: 5, pricing: { as: 'lambda' } }`.
   */
  readonly budget?: BudgetOptions | undefined;
  /**
   * An invocation that ran out of memory (see the README for how each platform says so) is tried
   * again on the phase's function deployed with twice the memory, and again with twice that, up to
   * `maxMB`. Those attempts carry `memoryMB` on the record; the bigger deployments are removed with the rest.
   */
  readonly memoryRetry?: MemoryRetryOptions | undefined;
  /**
   * Start each phase even when invocations of the phase before it did not succeed (default false:
   * the run stops with a PhaseNotStartedError). A phase's own `continueOnFailure` wins.
   * @default false
   */
  readonly continueOnFailure?: boolean | undefined;
  /** Where the functions run: `await createPlatform('local')`, say. */
  readonly platform: Platform;
  /** How each phase's invocations are pushed through the platform (a phase's own `executor` wins). */
  readonly executor: Executor;
  /** Aborting stops the run; deployments are removed all the same. */
  readonly signal?: AbortSignal | undefined;
}

/** What `execute` takes beyond the executor and platform: the run's options that shape its phases. */
export type DriverExecuteOptions = CallOptions & Pick<RunOptions, 'runId' | 'journal' | 'resume' | 'continueOnFailure' | 'records' | 'budget' | 'memoryRetry'>;

/** The phases of the plan a driver's `executionPlan()` returns. */
export type PlanPhasesOf<D extends { executionPlan(): ExecutionPlan | Promise<ExecutionPlan> }> = Awaited<ReturnType<D['executionPlan']>>['phases'];

/** A phase larger than this streams its records by default when the run has a journal. */
const KEEP_RECORDS_UP_TO = 100_000;

/** How long `remove` may take per deployment; it runs even after an abort, so it has its own limit. */
const REMOVE_TIMEOUT_MS = 60_000;

/**
 * The usual deploy → execute → remove loop. A driver names its runtime and, where it has more than
 * one phase, its execution plan; everything else has a default that a subclass may override.
 * Each run starts clean: its plan is built afresh, and `results` holds only its own phases.
 */
export abstract class Driver<I = unknown> {
  static {
    brand(this, 'Driver');
  }

  /** True for drivers, also those whose class extends another installed copy of falco's Driver. */
  static [Symbol.hasInstance]<T extends abstract new (...args: never[]) => unknown>(this: T, value: unknown): value is InstanceType<T> {
    return isInstance(this, value);
  }

  readonly events = new EventBus<FalcoEvents>();
  /** Results of the phases run so far by the current (or last) run, also when it failed half-way. */
  readonly results: PhaseResult[] = [];
  readonly #deployments = new Map<string, Deployment>();
  /** What each phase's deployment was made from, for the journal's digest. */
  readonly #deployables = new Map<string, Deployable>();
  /** The same functions deployed with more memory for out-of-memory retries, by deployable and memory. */
  readonly #withMemory = new Map<Deployable, Map<number, Promise<Deployment>>>();
  #plan: Promise<ExecutionPlan> | undefined;
  #running = false;

  abstract runtime(): Runtime<I>;

  /** One phase, "main", with the runtime's invocation payload. Override for more phases. */
  executionPlan(): ExecutionPlan | Promise<ExecutionPlan> {
    return new ExecutionPlan([{ id: 'main', invocations: () => this.runtime().invocationPayload() }]);
  }

  /** The deployment each phase runs against, once `deploy` has run. */
  deploymentOf(phase: string): Deployment | undefined {
    return this.#deployments.get(phase);
  }

  async deploy(platform: Platform, options: CallOptions = {}): Promise<void> {
    if (this.#deployments.size > 0) {
      throw new ConfigError('deploy() was called before and its deployments were not removed: call remove() first (run() deploys and removes on its own)');
    }
    const plan = await this.#executionPlan();
    const byDeployable = new Map<Deployable | undefined, { deployable: Deployable; deployment: Deployment }>();
    for (const phase of plan.phases) {
      if (options.signal?.aborted) throw abortedError(options.signal.reason, 'deploying');
      let deployed = byDeployable.get(phase.deployable);
      if (!deployed) {
        const deployable = phase.deployable ?? (await this.runtime().makeDeployment());
        deployed = { deployable, deployment: await platform.deploy(deployable, options) };
        byDeployable.set(phase.deployable, deployed);
      }
      this.#deployments.set(phase.id, deployed.deployment);
      this.#deployables.set(phase.id, deployed.deployable);
      this.events.emit('deploy', { phase: phase.id, deployment: deployed.deployment });
    }
  }

  async execute(executor: Executor, platform: Platform, options: DriverExecuteOptions = {}): Promise<RunResult<PlanPhasesOf<this>>> {
    const plan = await this.#executionPlan();
    const startedAt = now();
    this.results.length = 0;
    const results = new Map<string, PhaseResult>();
    const { journal } = options;
    // Loaded when a run asks for them, so that `import 'falco'` does not load zod.
    const budget = options.budget ? new (await import('./budget.js')).Budget(options.budget) : undefined;
    const memoryRetry = options.memoryRetry ? (await import('./memory-retry.js')).parseMemoryRetry(options.memoryRetry) : undefined;
    // A platform without prices fails the run now, not when its phase comes.
    for (const phase of plan.phases) {
      const deployment = this.#deployments.get(phase.id);
      if (budget && deployment) budget.forPhase(phase.id, deployment);
    }
    const session = journal ? await JournalSession.open(journal, this.#deployables, options.resume) : undefined;
    const stopJournaling = session ? this.events.on('invocation:end', ({ invocation }) => session.keep(invocation)) : undefined;
    try {
      for (const phase of plan.phases) {
        const retryWithMemory = memoryRetry && this.#memoryRetry(phase.id, memoryRetry.maxMB, platform, options);
        await this.#executePhase(phase, results, executor, platform, options, session, { budget, memoryRetry: retryWithMemory });
        await journal?.flush();
      }
    } finally {
      stopJournaling?.();
    }
    // The results are the plan's phases', in its order: what PhaseResults<> says of them.
    const phases = [...this.results] as PhaseResults<PlanPhasesOf<this>>;
    return { runId: options.runId ?? randomUUID(), phases, startedAt, endedAt: now() };
  }

  async #executePhase(
    phase: Phase,
    results: Map<string, PhaseResult>,
    executor: Executor,
    platform: Platform,
    options: DriverExecuteOptions,
    session: JournalSession | undefined,
    limits: { budget: Budget | undefined; memoryRetry: MemoryRetry | undefined },
  ): Promise<void> {
    if (options.signal?.aborted) throw abortedError(options.signal.reason, 'the run');
    const deployment = this.#deployments.get(phase.id);
    if (!deployment) throw new FatalError(`phase "${phase.id}" has no deployment: call deploy() before execute()`);
    const previous = this.results[this.results.length - 1];
    if (previous && !(phase.continueOnFailure ?? options.continueOnFailure ?? false)) {
      const unsucceeded = previous.counts.failed + previous.counts.aborted;
      if (unsucceeded > 0) throw new PhaseNotStartedError(phase.id, previous.phase, unsucceededIds(previous), unsucceeded);
    }
    const requests = await requestsOf(phase, { previous, results });
    const stream = options.records === undefined ? options.journal !== undefined && streamsByDefault(requests) : options.records === 'stream';
    const execute = (invocations: PhaseRun['invocations'], records: 'kept' | 'streamed', size?: number) =>
      (phase.executor ?? executor).execute({ id: phase.id, invocations, records, ...(size === undefined ? {} : { size }) }, deployment, platform, {
        events: this.events,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(limits.budget ? { budget: limits.budget } : {}),
        ...(limits.memoryRetry ? { memoryRetry: limits.memoryRetry } : {}),
      });
    let result: PhaseResult;
    if (stream) {
      const restored = { succeeded: 0, failed: 0, aborted: 0, total: 0 };
      const executed = await execute(this.#pending(phase.id, requests, session, restored), 'streamed', session ? undefined : sizeOf(requests));
      const stored = session?.storedRecords(phase.id);
      const { succeeded, failed, aborted } = executed.counts;
      result = {
        ...executed,
        counts: { succeeded: succeeded + restored.succeeded, failed: failed + restored.failed, aborted: aborted + restored.aborted },
        ...(restored.total > 0 ? { restored: restored.total } : {}),
        ...(stored ? { stored } : {}),
      };
    } else {
      const invocations = createInvocations(phase.id, Array.isArray(requests) ? requests : await collect(requests));
      const { pending, restored } = session ? session.restore(invocations) : { pending: invocations, restored: [] };
      for (const invocation of restored) this.events.emit('invocation:restored', { invocation });
      const executed = await execute(pending, 'kept');
      result = restored.length === 0 ? executed : { ...executed, invocations, counts: countStatuses(invocations), restored: restored.length };
    }
    this.results.push(result);
    results.set(phase.id, result);
    if (result.fatal) throw new FatalError(`phase "${phase.id}" stopped: ${result.fatal.message}`);
    if (options.signal?.aborted) throw new AbortedError(`run aborted during phase "${phase.id}"`, { cause: options.signal.reason });
  }

  /**
   * A streamed phase's pending records, made one at a time; those the journal restores are counted
   * and announced instead. Synchronous for a synchronous source, so no record costs a promise.
   */
  #pending(
    phase: string,
    requests: RequestSource<unknown>,
    session: JournalSession | undefined,
    restored: { succeeded: number; failed: number; aborted: number; total: number },
  ): Iterable<Invocation> | AsyncIterable<Invocation> {
    const make = invocationMaker(phase);
    let index = 0;
    const pendingOf = (request: InvocationRequest<unknown>): Invocation | undefined => {
      const invocation = make(request, index++);
      if (!session?.restoreOne(invocation)) return invocation;
      restored[invocation.status as 'succeeded' | 'failed']++;
      restored.total++;
      this.events.emit('invocation:restored', { invocation });
      return undefined;
    };
    return Symbol.asyncIterator in requests ? pendingOfAsync(requests, pendingOf) : pendingOfSync(requests, pendingOf);
  }

  /** How a phase's function is deployed again with more memory: once per size, shared by the phases that share the function. */
  #memoryRetry(phase: string, maxMB: number, platform: Platform, options: CallOptions): MemoryRetry | undefined {
    const deployable = this.#deployables.get(phase);
    if (!deployable) return undefined;
    let bySize = this.#withMemory.get(deployable);
    if (!bySize) this.#withMemory.set(deployable, (bySize = new Map()));
    const sizes = bySize;
    return {
      maxMB,
      deploy: (memoryMB) => {
        let deployment = sizes.get(memoryMB);
        if (!deployment) {
          deployment = platform.deploy({ ...deployable, memoryMB }, options);
          deployment.catch(() => {}); // the invocations that asked for it get the failure
          sizes.set(memoryMB, deployment);
        }
        return deployment;
      },
    };
  }

  /** Removes every deployment this driver made, trying all of them; throws if any removal failed. */
  async remove(platform: Platform): Promise<void> {
    const failures: FalcoError[] = [];
    const bigger = await Promise.allSettled([...this.#withMemory.values()].flatMap((sizes) => [...sizes.values()]));
    this.#withMemory.clear();
    const made = bigger.flatMap((deployed) => (deployed.status === 'fulfilled' ? [deployed.value] : []));
    for (const deployment of new Set([...this.#deployments.values(), ...made])) {
      try {
        await platform.remove(deployment, { signal: AbortSignal.timeout(REMOVE_TIMEOUT_MS) });
        this.events.emit('remove', { deployment });
      } catch (error) {
        const failure = toFalcoError(error, `removing "${deployment.name}"`);
        failures.push(failure);
        this.events.emit('remove', { deployment, error: failure });
      }
    }
    this.#deployments.clear();
    this.#deployables.clear();
    this.#plan = undefined;
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} deployments could not be removed`);
  }

  /**
   * deploy → execute → remove. Remove always runs; its failure is reported without hiding the run's own.
   * A signal already aborted fails the run with an AbortedError before anything is deployed.
   */
  async run({ platform, executor, signal, runId = randomUUID(), ...options }: RunOptions): Promise<RunResult<PlanPhasesOf<this>>> {
    if (signal?.aborted) throw abortedError(signal.reason, `run "${runId}"`);
    if (this.#running) throw new ConfigError('run() was called while this driver is still running: await the first run, or use another driver');
    this.#running = true;
    try {
      return await this.#run(platform, executor, { ...options, runId, ...(signal ? { signal } : {}) });
    } finally {
      this.#running = false;
    }
  }

  async #run(platform: Platform, executor: Executor, options: DriverExecuteOptions & { runId: string }): Promise<RunResult<PlanPhasesOf<this>>> {
    const { runId, journal } = options;
    this.#plan = undefined;
    this.results.length = 0;
    this.events.emit('run:start', { runId, phases: (await this.#executionPlan()).phases.map((p) => p.id) });
    let result: RunResult<PlanPhasesOf<this>>;
    try {
      await this.deploy(platform, options);
      result = await this.execute(executor, platform, options);
    } catch (error) {
      await this.remove(platform).catch((removeError: unknown) => {
        process.emitWarning(`falco: cleanup after a failed run also failed: ${String(removeError)}`);
      });
      await journal?.close().catch(() => {});
      this.events.emit('run:end', { runId, error });
      throw error;
    }
    try {
      await this.remove(platform);
      await journal?.close();
    } catch (error) {
      this.events.emit('run:end', { runId, error });
      throw error;
    }
    this.events.emit('run:end', { runId, result });
    return result;
  }

  /** The plan, built once per run; a plan that failed to build is tried again next time. */
  #executionPlan(): Promise<ExecutionPlan> {
    this.#plan ??= Promise.resolve()
      .then(() => this.executionPlan())
      .catch((error: unknown) => {
        this.#plan = undefined;
        throw error instanceof FalcoError ? error : new PlanError(`the driver's executionPlan() failed: ${messageOf(error)}`, { cause: error });
      });
    return this.#plan;
  }
}

function unsucceededIds(result: PhaseResult): readonly string[] {
  if (result.records === 'streamed') return result.unsucceededIds ?? [];
  return result.invocations.filter((invocation) => invocation.status !== 'succeeded').map((invocation) => invocation.id);
}

function streamsByDefault(requests: RequestSource<unknown>): boolean {
  return !Array.isArray(requests) || requests.length > KEEP_RECORDS_UP_TO;
}

function sizeOf(requests: RequestSource<unknown>): number | undefined {
  return Array.isArray(requests) ? requests.length : undefined;
}

function* pendingOfSync(requests: Iterable<InvocationRequest<unknown>>, pendingOf: (request: InvocationRequest<unknown>) => Invocation | undefined): Iterable<Invocation> {
  for (const request of requests) {
    const invocation = pendingOf(request);
    if (invocation) yield invocation;
  }
}

async function* pendingOfAsync(requests: AsyncIterable<InvocationRequest<unknown>>, pendingOf: (request: InvocationRequest<unknown>) => Invocation | undefined): AsyncIterable<Invocation> {
  for await (const request of requests) {
    const invocation = pendingOf(request);
    if (invocation) yield invocation;
  }
}

async function collect<T>(items: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The phase's requests; a failure to build them names the phase and keeps the cause. */
async function requestsOf(phase: Phase, context: PhaseContext): Promise<RequestSource<unknown>> {
  if (typeof phase.invocations !== 'function') return phase.invocations;
  let requests: unknown;
  try {
    requests = await phase.invocations(context);
  } catch (error) {
    throw new PlanError(`phase "${phase.id}": its invocations() function threw: ${messageOf(error)}`, { cause: error });
  }
  if (!isRequestSource(requests)) {
    throw new PlanError(`phase "${phase.id}": its invocations() function must return an array or iterable of { id?, input } (got ${requests === null ? 'null' : typeof requests})`);
  }
  return requests;
}
