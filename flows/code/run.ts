import type { Executor } from '../../src/executor.js';
import type { Platform } from '../../src/platform.js';
import { MemoryWorkflowLog } from '../../stores/memory/workflow-log.js';
import { MemoryWorkspaceStore } from '../../stores/memory/workspace-store.js';
import type { WorkflowLog } from '../../stores/ports/workflow-log.js';
import type { NamedRef, WorkspaceStore } from '../../stores/ports/workspace.js';
import { createRegistry } from '../triggers/builtins.js';
import type { Registry } from '../triggers/registry.js';
import { activate } from './activation.js';
import { History } from './history.js';
import { Inbox } from './inbox.js';
import { RunState } from './run-state.js';
import { outcomeOf, readRun, type RunOutcome } from './runs.js';
import type { AnyWorkflow, Workflow } from './workflow.js';
import { WorkflowWorker } from './worker.js';

export interface CodeRunOptions {
  readonly platform: Platform;
  /** @default a new in-memory store, closed after the run */
  readonly store?: WorkspaceStore;
  /** @default a new in-memory log */
  readonly log?: WorkflowLog;
  /** Names the run (its log and its workspace); a run id logged before resumes that run. */
  readonly runId?: string;
  readonly executor?: Executor;
  /** Other workflows the run may resume as children. */
  readonly workflows?: readonly AnyWorkflow[];
}

/**
 * Runs a workflow to its end in this process (an embedded workflow worker) and returns how it
 * ended. With a durable store and log and a `runId`, running it again after a crash resumes it.
 */
export async function runCodeWorkflow<I, O>(workflow: Workflow<I, O>, input: NoInfer<I>, options: CodeRunOptions): Promise<RunOutcome<O>> {
  const store = options.store ?? new MemoryWorkspaceStore();
  const log = options.log ?? new MemoryWorkflowLog();
  const worker = new WorkflowWorker({ store, log, platform: options.platform, ...(options.workflows ? { workflows: options.workflows } : {}), ...(options.executor ? { executor: options.executor } : {}) });
  try {
    const handle = await worker.start(workflow, input, options.runId === undefined ? {} : { runId: options.runId });
    return await handle.outcome;
  } finally {
    await worker.stop();
    if (!options.store) await store.close();
  }
}

export interface CoordinatorOnceOptions {
  readonly store: WorkspaceStore;
  readonly log: WorkflowLog;
  readonly workflow: AnyWorkflow;
  readonly runId: string;
  readonly registry?: Registry;
  /** What wakes the coordinator again (see `ActivationOptions.wake`); `functionWake(runId)` invokes it as a function. */
  readonly wake?: NamedRef;
}

/**
 * Runs a run's coordinator once, as a short-lived function would (the Triggerflow model): it reads
 * its inbox, replays its code, sends what is new, arms its wake trigger and returns `suspended`,
 * or the run's outcome once it has finished. Another process must serve the run's workspace
 * (`falco triggers serve <run>`: its trigger service and action worker); child workflows need a `WorkflowWorker`.
 */
export async function runCoordinatorOnce(options: CoordinatorOnceOptions): Promise<'suspended' | RunOutcome> {
  const { store, log, runId } = options;
  const state = new RunState(runId, await readRun(log, runId), log);
  await store.createWorkspace(runId);
  const inbox = await Inbox.open(store, state);
  try {
    const signals = await inbox.drain();
    if (signals.cancel) {
      const finished = History.of(await log.read(runId)).finished;
      if (finished) state.history.apply(finished);
    }
    if (state.history.finished) return outcomeOf(runId, state.history);
    const outcome = await activate(state, options.workflow, { store, inbox, registry: options.registry ?? createRegistry(), signals, ...(options.wake ? { wake: options.wake } : {}) });
    return outcome.status === 'suspended' ? 'suspended' : outcomeOf(runId, state.history);
  } finally {
    await inbox.close();
  }
}
