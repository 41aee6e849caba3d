import { randomUUID } from 'node:crypto';
import { now } from './clock.js';
import type { Deployable } from './deployable.js';
import { AbortedError, FalcoError, FatalError, toFalcoError } from './errors.js';
import { EventBus, type FalcoEvents } from './events.js';
import type { Executor } from './executor.js';
import { createInvocations, type Invocation } from './invocation.js';
import { journalKey, type Journal } from './journal/journal.js';
import { ExecutionPlan, type Phase, type PhaseContext } from './plan.js';
import { countStatuses, type PhaseResult } from './phase-result.js';
import type { CallOptions, Deployment, Platform } from './platform.js';
import type { Runtime } from './runtime.js';

export interface RunResult {
  readonly runId: string;
  readonly phases: PhaseResult[];
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface RunOptions {
  /** Names the run in events and records; a random UUID by default. */
  readonly runId?: string;
  /**
   * Keeps every final record as it completes. Run again with the same journal and what is done is
   * skipped, its outputs reused: `FileJournal.forRun(runId)` is the embedded store.
   */
  readonly journal?: Journal;
  readonly platform: Platform;
  readonly executor: Executor;
  /** Aborting stops the run; deployments are removed all the same. */
  readonly signal?: AbortSignal;
}

/** How long `remove` may take per deployment; it runs even after an abort, so it has its own limit. */
const REMOVE_TIMEOUT_MS = 60_000;

/**
 * The usual deploy → execute → remove loop. A driver names its runtime and, where it has more than
 * one phase, its execution plan; everything else has a default that a subclass may override.
 */
export abstract class Driver<I = unknown> {
  readonly events = new EventBus<FalcoEvents>();
  /** Results of the phases run so far, also when a run failed half-way. */
  readonly results: PhaseResult[] = [];
  readonly #deployments = new Map<string, Deployment>();
  #plan: Promise<ExecutionPlan> | undefined;

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
    const plan = await this.#executionPlan();
    const byDeployable = new Map<Deployable | undefined, Deployment>();
    for (const phase of plan.phases) {
      options.signal?.throwIfAborted();
      let deployment = byDeployable.get(phase.deployable);
      if (!deployment) {
        const deployable = phase.deployable ?? (await this.runtime().makeDeployment());
        deployment = await platform.deploy(deployable, options);
        byDeployable.set(phase.deployable, deployment);
      }
      this.#deployments.set(phase.id, deployment);
      this.events.emit('deploy', { phase: phase.id, deployment });
    }
  }

  async execute(executor: Executor, platform: Platform, options: CallOptions & { runId?: string; journal?: Journal } = {}): Promise<RunResult> {
    const plan = await this.#executionPlan();
    const startedAt = now();
    const results = new Map<string, PhaseResult>();
    const { journal } = options;
    const done = journal ? await journal.load() : undefined;
    const stopJournaling = journal
      ? this.events.on('invocation:end', ({ invocation }) => {
          if (invocation.status !== 'aborted') journal.append(invocation);
        })
      : undefined;
    try {
      for (const phase of plan.phases) {
        await this.#executePhase(phase, results, executor, platform, options, done);
        await journal?.flush();
      }
    } finally {
      stopJournaling?.();
    }
    return { runId: options.runId ?? randomUUID(), phases: [...this.results], startedAt, endedAt: now() };
  }

  async #executePhase(
    phase: Phase,
    results: Map<string, PhaseResult>,
    executor: Executor,
    platform: Platform,
    options: CallOptions,
    done: ReadonlyMap<string, Invocation> | undefined,
  ): Promise<void> {
    if (options.signal?.aborted) throw toFalcoError(options.signal.reason, 'run');
    const deployment = this.#deployments.get(phase.id);
    if (!deployment) throw new FatalError(`phase "${phase.id}" has no deployment: call deploy() before execute()`);
    const context: PhaseContext = { previous: this.results[this.results.length - 1], results };
    const invocations = createInvocations(phase.id, await requestsOf(phase, context));
    const pending = done ? restoreCompleted(invocations, done) : invocations;
    const executed = await (phase.executor ?? executor).execute(
      { id: phase.id, invocations: pending },
      deployment,
      platform,
      { events: this.events, ...(options.signal ? { signal: options.signal } : {}) },
    );
    const result: PhaseResult =
      pending === invocations
        ? executed
        : { ...executed, invocations, counts: countStatuses(invocations), restored: invocations.length - pending.length };
    this.results.push(result);
    results.set(phase.id, result);
    if (result.fatal) throw new FatalError(`phase "${phase.id}" stopped: ${result.fatal.message}`);
    if (options.signal?.aborted) throw new AbortedError(`run aborted during phase "${phase.id}"`, { cause: options.signal.reason });
  }

  /** Removes every deployment this driver made, trying all of them; throws if any removal failed. */
  async remove(platform: Platform): Promise<void> {
    const failures: FalcoError[] = [];
    for (const deployment of new Set(this.#deployments.values())) {
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
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} deployments could not be removed`);
  }

  /** deploy → execute → remove. Remove always runs; its failure is reported without hiding the run's own. */
  async run({ platform, executor, signal, journal, runId = randomUUID() }: RunOptions): Promise<RunResult> {
    const options = signal ? { signal } : {};
    this.events.emit('run:start', { runId, phases: (await this.#executionPlan()).phases.map((p) => p.id) });
    let result: RunResult;
    try {
      await this.deploy(platform, options);
      result = await this.execute(executor, platform, { ...options, runId, ...(journal ? { journal } : {}) });
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

  #executionPlan(): Promise<ExecutionPlan> {
    this.#plan ??= Promise.resolve().then(() => this.executionPlan());
    return this.#plan;
  }
}

/**
 * Fills in the records a journal already holds (same id, same input, a final status other than
 * aborted) and returns the rest, which still have to run.
 */
function restoreCompleted(invocations: Invocation[], done: ReadonlyMap<string, Invocation>): Invocation[] {
  const pending: Invocation[] = [];
  for (const invocation of invocations) {
    const kept = done.get(journalKey(invocation.phase, invocation.id));
    if (kept && kept.status !== 'aborted' && kept.status !== 'pending' && JSON.stringify(kept.input) === JSON.stringify(invocation.input)) {
      invocation.status = kept.status;
      invocation.attempts = kept.attempts;
      if ('output' in kept) invocation.output = kept.output;
      if (kept.error) invocation.error = kept.error;
    } else {
      pending.push(invocation);
    }
  }
  return pending;
}

async function requestsOf(phase: Phase, context: PhaseContext) {
  return typeof phase.invocations === 'function' ? await phase.invocations(context) : phase.invocations;
}
