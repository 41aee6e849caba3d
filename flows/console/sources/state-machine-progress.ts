import { ERROR_CLASSES } from '../../../src/errors.js';
import type { ErrorInfo } from '../../../src/invocation.js';
import type { FalcoEvent } from '../../../stores/ports/event.js';
import type { Json } from '../../../stores/ports/workspace.js';
import { WORKFLOW_FAILED, WORKFLOW_SUCCEEDED } from '../../builders/outcome.js';
import { BRANCH_FAILED, BRANCH_SUCCEEDED, ENTER, tokenOf } from '../../state-machine/events.js';
import { INVOCATION_FAILED, INVOCATION_SUCCEEDED } from '../../triggers/commands.js';
import type { TaskState } from '../../tasks/service-types.js';

/** One state's runs so far, as its machine's events tell them: the last entry, and how many there were. */
export interface StateProgress {
  state: TaskState;
  entries: number;
  /** The Task's attempt in its last entry (1 for other states). */
  attempt: number;
  /** Tokens (runs of the state's machine: the execution, a branch, an iteration) now in this state. */
  active: string[];
  startedAt?: number;
  endedAt?: number;
  input?: Json;
  output?: Json;
  error?: ErrorInfo;
}

/** How a run's events name its states: the trigger id of each (`s0`, ...) to its state's node, and which nodes wait. */
export interface StateNames {
  readonly nodeOf: Readonly<Record<string, string>>;
  readonly waits: ReadonlySet<string>;
}

/**
 * Applies one event of a state machine's workspace to its states' progress. An ENTER starts an
 * entry of its target; the state that published it (its trigger is the event's source) ended that
 * token's entry, unless the token is a child's (a Parallel or Map starting a branch). A machine's
 * end (the execution's, a branch's) ends its publisher; a Task's failed invocation is kept as its error.
 */
export function applyEvent(progress: Record<string, StateProgress>, names: StateNames, event: FalcoEvent): void {
  const at = event.time === undefined ? Date.now() : Date.parse(event.time);
  const data = (event.data ?? {}) as { input?: Json; output?: Json; error?: unknown; cause?: unknown; child?: unknown };
  const publisher = names.nodeOf[/\/triggers\/([^/]+)$/.exec(event.source)?.[1] ?? ''];
  const from = publisher === undefined ? undefined : (progress[publisher] ??= fresh());
  if (event.type === ENTER) {
    const token = tokenOf(event.subject);
    const target = names.nodeOf[(event.subject ?? '').split('/', 1)[0]!];
    if (from && from.active.includes(token)) end(from, token, at, { output: data.input ?? null });
    if (target !== undefined) enter((progress[target] ??= fresh()), token, at, data.input ?? {}, names.waits.has(target));
    return;
  }
  if (event.type === INVOCATION_SUCCEEDED || event.type === INVOCATION_FAILED) {
    const [trigger, key] = taskKey(event.subject ?? '');
    const task = progress[names.nodeOf[trigger] ?? ''];
    if (!task) return;
    task.attempt = Number(key.slice(key.lastIndexOf('.') + 1)) || task.attempt;
    if (event.type === INVOCATION_FAILED) task.error = errorOf(data.error);
    else delete task.error;
    return;
  }
  if (!from) return;
  const failed = event.type === WORKFLOW_FAILED || event.type === BRANCH_FAILED;
  if (!failed && event.type !== WORKFLOW_SUCCEEDED && event.type !== BRANCH_SUCCEEDED) return;
  const token = event.type === WORKFLOW_SUCCEEDED || event.type === WORKFLOW_FAILED ? (from.active[0] ?? '') : `${tokenOf(event.subject)}.${String(data.child)}`;
  end(from, token, at, failed ? { error: { class: 'function', name: String(data.error), message: String(data.cause ?? '') } } : { output: data.output ?? null });
}

function fresh(): StateProgress {
  return { state: 'pending', entries: 0, attempt: 0, active: [] };
}

function enter(progress: StateProgress, token: string, at: number, input: Json, waits: boolean): void {
  progress.entries += 1;
  progress.attempt = 1;
  progress.active.push(token);
  progress.state = waits ? 'waiting' : 'running';
  progress.startedAt = at;
  progress.input = input;
  delete progress.endedAt;
  delete progress.output;
  delete progress.error;
}

/** An entry ended; a Task whose last invocation failed and that a Catch led on from ended failed. */
function end(progress: StateProgress, token: string, at: number, outcome: { output: Json } | { error: ErrorInfo }): void {
  progress.active = progress.active.filter((active) => active !== token);
  if (progress.active.length > 0) return;
  progress.endedAt = at;
  if ('error' in outcome) progress.error = outcome.error;
  else progress.output = outcome.output;
  progress.state = progress.error ? 'failed' : 'succeeded';
}

/** A Task's invocation subject `<workspace>/<trigger>/<token>~<seq>.<attempt>`: its trigger and key. */
function taskKey(subject: string): [trigger: string, key: string] {
  const [, trigger = '', ...key] = subject.split('/');
  return [trigger, key.join('/')];
}

function errorOf(error: unknown): ErrorInfo {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as { class?: string; name?: string; message?: string; type?: string };
  return {
    class: ERROR_CLASSES.find((known) => known === fields.class) ?? 'function',
    name: fields.name ?? 'Error',
    message: fields.message ?? 'the invocation failed',
    ...(fields.type === undefined ? {} : { type: fields.type }),
  };
}
