import { ConcurrentExecutor } from '../../executors/index.js';
import type { Executor } from '../../src/executor.js';
import type { Platform } from '../../src/platform.js';
import type { WorkflowLog } from '../../stores/ports/workflow-log.js';
import type { Json, WorkspaceStore } from '../../stores/ports/workspace.js';
import { ActionWorker } from '../triggers/action-worker.js';
import { createRegistry } from '../triggers/builtins.js';
import type { Registry } from '../triggers/registry.js';
import { TriggerService } from '../triggers/service.js';
import { activate, type ActivationOutcome } from './activation.js';
import type { ChildStarter } from './dispatcher.js';
import { WorkflowCodeError } from './errors.js';
import { History } from './history.js';
import { Inbox, type InboxSignals } from './inbox.js';
import { RunState } from './run-state.js';
import { createRun, outcomeOf, readRun, retryFailed, type RunOutcome } from './runs.js';
import type { AnyWorkflow, Workflow } from './workflow.js';

export interface WorkflowWorkerOptions {
  /** The backbone: each run's workspace (event and command streams, triggers, timers). */
  readonly store: WorkspaceStore;
  /** Where each run's event log is kept. */
  readonly log: WorkflowLog;
  /** Where the workflows' functions run. */
  readonly platform: Platform;
  /** The workflows this worker can run and resume, by name (children are added as they start). */
  readonly workflows?: readonly AnyWorkflow[];
  /** How the action workers push invocations (retries, congestion control). @default new ConcurrentExecutor() */
  readonly executor?: Executor;
  readonly registry?: Registry;
}

export interface StartOptions {
  /** Names the run (its log and its workspace). @default `<workflow>-<time and chance in base 36>` */
  readonly runId?: string;
  /** The module the workflow came from (kept in the log, for `falco workflow resume`). */
  readonly module?: string;
}

/** A fresh run id for a workflow. */
export function newRunId(workflow: string): string {
  return `${workflow}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export interface RunHandle<O = unknown> {
  readonly runId: string;
  /** Resolves when the run has finished (or the worker stopped hosting it: then it reports where it stands). */
  readonly outcome: Promise<RunOutcome<O>>;
}

/** Entries redelivered after many restarts must still run, not be dead-lettered. */
const CONSUMER_OPTIONS = { maxDeliveries: 1_000 } as const;

/**
 * Hosts workflow runs in this process: per run, a trigger service (timers, the wake and
 * waitForEvent triggers), an action worker (the invoke commands) and the coordinator, which is run
 * from the top on the run's start and on every wake event, and suspends in between. A process that
 * dies loses nothing: hosting the run again (`resume`) replays it from its log.
 */
export class WorkflowWorker {
  readonly #options: WorkflowWorkerOptions;
  readonly #workflows = new Map<string, AnyWorkflow>();
  readonly #hosted = new Map<string, HostedRun>();
  readonly #registry: Registry;

  constructor(options: WorkflowWorkerOptions) {
    this.#options = options;
    this.#registry = options.registry ?? createRegistry();
    for (const workflow of options.workflows ?? []) this.register(workflow);
  }

  register(workflow: AnyWorkflow): void {
    const known = this.#workflows.get(workflow.name);
    if (known && known !== workflow) throw new WorkflowCodeError(`two different workflows are named "${workflow.name}": give each its own name`);
    this.#workflows.set(workflow.name, workflow);
  }

  /** Starts a run (or attaches to the run of this workflow logged under `runId`) and hosts it. */
  async start<I, O>(workflow: Workflow<I, O>, input: NoInfer<I>, options: StartOptions = {}): Promise<RunHandle<O>> {
    const runId = options.runId ?? newRunId(workflow.name);
    this.register(workflow as AnyWorkflow);
    // createRun checks that the input is JSON; a workflow that takes none is given null.
    await createRun(this.#options.log, runId, { kind: 'started', workflow: workflow.name, input: (input ?? null) as Json, ...(options.module === undefined ? {} : { module: options.module }) });
    return this.#host<O>(runId);
  }

  /** Hosts a logged run again; a failed run's failed calls run again (`retryFailed: false` keeps them). */
  async resume<O = unknown>(runId: string, options: { readonly retryFailed?: boolean } = {}): Promise<RunHandle<O>> {
    const history = await readRun(this.#options.log, runId);
    if (options.retryFailed !== false) await retryFailed(this.#options.log, runId, history);
    return this.#host<O>(runId);
  }

  /** Stops hosting every run; their coordinators suspend where they are. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.#hosted.values()].map((hosted) => hosted.stop()));
  }

  async #host<O>(runId: string): Promise<RunHandle<O>> {
    let hosted = this.#hosted.get(runId);
    if (!hosted) {
      const history = await readRun(this.#options.log, runId);
      const workflow = this.#workflows.get(history.started!.workflow);
      if (!workflow) throw new WorkflowCodeError(`run "${runId}" is a run of workflow "${history.started!.workflow}", which this worker does not know: register it (workflows: [...])`);
      hosted = new HostedRun(this.#options, this.#registry, workflow, new RunState(runId, history, this.#options.log), this.#startChild);
      this.#hosted.set(runId, hosted);
      const done = hosted.done.finally(() => this.#hosted.delete(runId));
      done.catch(() => {});
    }
    return { runId, outcome: hosted.done.then(() => outcomeOf<O>(runId, hosted.state.history)) };
  }

  readonly #startChild: ChildStarter = async ({ run, workflow, input, parent }) => {
    this.register(workflow);
    await createRun(this.#options.log, run, { kind: 'started', workflow: workflow.name, input, parent });
    if (!this.#hosted.has(run)) await this.#host(run);
  };
}

/** One run hosted: its services, its inbox, and the loop that activates its coordinator. */
class HostedRun {
  readonly state: RunState;
  readonly done: Promise<void>;
  readonly #stopping = new AbortController();

  constructor(
    readonly options: WorkflowWorkerOptions,
    readonly registry: Registry,
    readonly workflow: AnyWorkflow,
    state: RunState,
    readonly startChild: ChildStarter,
  ) {
    this.state = state;
    this.done = this.#run();
  }

  stop(): Promise<void> {
    this.#stopping.abort();
    return this.done.catch(() => {});
  }

  async #run(): Promise<void> {
    const { store, platform } = this.options;
    const run = this.state.run;
    await store.createWorkspace(run);
    // Stopping aborts the invocations in flight (they stay unacknowledged, and run again when the run is hosted again).
    const { signal } = this.#stopping;
    const service = await TriggerService.start({ store, workspace: run, registry: this.registry, consumerOptions: CONSUMER_OPTIONS, signal });
    const worker = await ActionWorker.start({ store, workspace: run, platform, executor: this.options.executor ?? new ConcurrentExecutor(), consumerOptions: CONSUMER_OPTIONS, signal });
    const inbox = await Inbox.open(store, this.state);
    try {
      const signals = await inbox.drain();
      for (;;) {
        if (signals.cancel) await this.#reload();
        if (this.state.history.finished || this.#stopping.signal.aborted) return;
        const outcome: ActivationOutcome = await activate(this.state, this.workflow, { store, inbox, registry: this.registry, startChild: this.startChild, signals });
        if (outcome.status === 'finished') return;
        await this.#untilWoken(inbox, signals);
      }
    } finally {
      this.#stopping.abort();
      await Promise.allSettled([service.stop(), worker.stop(), inbox.close()]);
    }
  }

  async #untilWoken(inbox: Inbox, signals: InboxSignals): Promise<void> {
    signals.wake = false;
    while (!signals.wake && !signals.cancel && !this.#stopping.signal.aborted) await inbox.read(200, signals);
  }

  /** Someone else wrote to the log (a cancel): read it again. */
  async #reload(): Promise<void> {
    const history = History.of(await this.options.log.read(this.state.run));
    if (history.finished) this.state.history.apply(history.finished);
  }
}
