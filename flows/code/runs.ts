import { makeEvent } from '../../stores/ports/event.js';
import type { WorkflowLog } from '../../stores/ports/workflow-log.js';
import type { Json, WorkspaceStore } from '../../stores/ports/workspace.js';
import type { ErrorInfo } from '../../src/invocation.js';
import { checkWorkspaceName } from '../triggers/spec.js';
import { WorkflowCodeError } from './errors.js';
import { CANCEL } from './events.js';
import { History } from './history.js';
import { asJson } from './json.js';
import { appendedNow, type RetryRecord, type StartedRecord } from './records.js';

/**
 * How a run ended, or where it stands. `stalled`: its coordinator function failed or was given up,
 * so nothing wakes it; it has not failed (its code did not throw), and a resume carries it on.
 */
export type RunStatus = 'running' | 'stalled' | 'succeeded' | 'failed' | 'cancelled';

export interface RunSummary {
  readonly runId: string;
  readonly workflow: string;
  readonly status: RunStatus;
  /** Positions the code has reached, and slots that have ended. */
  readonly calls: number;
  readonly results: number;
  readonly output?: Json;
  /** Why it failed, or (stalled) why its coordinator did. */
  readonly error?: ErrorInfo;
  /** Stalled: the coordinator's command that failed, and how often it was handed out when the delivery cap gave it up. */
  readonly stalled?: { readonly command: string; readonly deliveries?: number };
}

/** How a run ended. */
export type RunOutcome<O = unknown> =
  | { readonly runId: string; readonly status: 'succeeded'; readonly output: O }
  | { readonly runId: string; readonly status: 'failed' | 'cancelled'; readonly error: ErrorInfo };

/** Logs a new run's start (its workspace is made by whoever hosts it); a run id logged before must be of the same workflow. */
export async function createRun(log: WorkflowLog, runId: string, started: StartedRecord): Promise<void> {
  checkWorkspaceName(runId);
  asJson(started.input, `run ${runId}: the workflow's input`);
  const history = History.of(await log.read(runId));
  if (history.started) {
    if (history.started.workflow !== started.workflow) throw new WorkflowCodeError(`run "${runId}" is a run of workflow "${history.started.workflow}", not "${started.workflow}": pick another run id`);
    return;
  }
  await log.append(runId, appendedNow([started]));
}

/** The run's history, read from its log; a `WorkflowCodeError` when there is no such run. */
export async function readRun(log: WorkflowLog, runId: string): Promise<History> {
  const history = History.of(await log.read(runId));
  if (!history.started) throw new WorkflowCodeError(`there is no workflow run "${runId}" in this store: see the run ids falco workflow run printed`);
  return history;
}

export function summarize(runId: string, history: History): RunSummary {
  const { started, finished } = history;
  const base = { runId, workflow: started!.workflow, calls: history.calls.length, results: history.resultCount };
  const { stalled } = history;
  if (!finished && stalled) return { ...base, status: 'stalled', error: stalled.error, stalled: { command: stalled.command, ...(stalled.deliveries === undefined ? {} : { deliveries: stalled.deliveries }) } };
  if (!finished) return { ...base, status: 'running' };
  if (finished.ok) return { ...base, status: 'succeeded', output: finished.output };
  return { ...base, status: finished.error.class === 'aborted' ? 'cancelled' : 'failed', error: finished.error };
}

export function outcomeOf<O>(runId: string, history: History): RunOutcome<O> {
  const summary = summarize(runId, history);
  // The output was logged from what the workflow's code (typed by O) returned.
  if (summary.status === 'succeeded') return { runId, status: 'succeeded', output: summary.output as O };
  return { runId, status: summary.status === 'cancelled' ? 'cancelled' : 'failed', error: summary.error! };
}

/** Ends a run that has not finished as cancelled, and tells a worker hosting it to stop. */
export async function cancelRun(store: WorkspaceStore, log: WorkflowLog, runId: string): Promise<RunSummary> {
  const history = await readRun(log, runId);
  if (!history.finished) {
    await log.append(runId, appendedNow([{ kind: 'finished', ok: false, error: { class: 'aborted', name: 'AbortedError', message: `run ${runId} was cancelled` } }]));
    if ((await store.listWorkspaces()).includes(runId)) await store.events(runId).publish([makeEvent({ id: `${runId}/cancel`, source: '/falco/workflows', type: CANCEL, subject: runId })]);
  }
  return summarize(runId, await readRun(log, runId));
}

/** Before a failed run is hosted again: a retry record for its failed calls, so they run again under a new epoch. */
export async function retryFailed(log: WorkflowLog, runId: string, history: History): Promise<void> {
  if (!history.finished || history.finished.ok || history.finished.error.class === 'aborted') return;
  const record: RetryRecord = { kind: 'retry', epoch: history.lastEpoch + 1, slots: history.failedSlots(), at: Date.now() };
  await log.append(runId, [record]);
  history.apply(record);
}
