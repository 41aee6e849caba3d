import { z } from 'zod';
import type { Json, JsonObject } from '../../stores/ports/workspace.js';
import { makeEvent } from '../../stores/ports/event.js';
import { WORKFLOW_FAILED, WORKFLOW_SUCCEEDED } from '../builders/outcome.js';
import { firingKey, triggerSource } from '../triggers/actions/naming.js';
import type { ActionCall, ActionDefinition } from '../triggers/types.js';
import type { Catcher, Retrier, State, StateType } from './definition.js';
import { StatesRuntimeError } from './errors.js';
import { BRANCH_FAILED, BRANCH_SUCCEEDED, ENTER, RETRY, splitToken, subjectOf, tokenOf } from './events.js';
import { applyTemplate, parsePath, readPath, writePath, type ReferencePath } from './paths.js';

/** What each state's trigger carries: the state as written, with every `Next` replaced by a trigger id. */
export const stateOptions = z
  .object({
    /** The state's name, scoped inside branches (`Outer/Branches[0]/Inner`): for messages and `$$.State.Name`. */
    name: z.string(),
    state: z.custom<State>((value) => typeof value === 'object' && value !== null && 'Type' in value, 'must be an ASL state'),
    /** The Parallel or Map state this state's machine runs for, or null at the top. */
    owner: z.string().nullable(),
    /** Parallel: each branch's first state; Map: the item processor's. */
    starts: z.array(z.string()).optional(),
  })
  .strict();

export type StateOptions = z.output<typeof stateOptions>;
export type StateCall = ActionCall<StateOptions>;

export function actionName(type: StateType): string {
  return `stateMachine.${type.toLowerCase()}`;
}

/** The action that runs one type of state. */
export function stateAction(type: StateType, run: (call: StateCall) => void): ActionDefinition<StateOptions> {
  return {
    name: actionName(type),
    options: stateOptions,
    run(call) {
      try {
        run(call);
      } catch (error) {
        if (!(error instanceof StatesRuntimeError)) throw error;
        // Not catchable, as in ASL: the execution fails with the state named.
        publish(call, WORKFLOW_FAILED, call.workspace, { error: 'States.Runtime', cause: `state "${call.options.name}": ${error.message}` });
      }
    },
  };
}

/** The token of the event being handled: which run of this state's machine it belongs to. */
export function tokenOfCall(call: StateCall): string {
  return tokenOf(call.event.subject);
}

/** This trigger's entries in flight, by token, kept in its context. */
export function entries<E extends JsonObject>(call: StateCall): Record<string, E> {
  const active = call.context.active;
  if (typeof active === 'object' && active !== null && !Array.isArray(active)) return active as Record<string, E>;
  return (call.context.active = {}) as Record<string, E>;
}

/** A number for a new entry of this state, unique within the trigger: keys, child tokens and timers derive from it. */
export function nextSeq(call: StateCall): number {
  const seq = (typeof call.context.seq === 'number' ? call.context.seq : 0) + 1;
  call.context.seq = seq;
  return seq;
}

export function publish(call: StateCall, type: string, subject: string, data: Json): void {
  call.publish({ id: `${firingKey(call)}/${type}/${subject}`, source: triggerSource(call), type, subject, data });
}

/** Sets a store timer whose event (`type`, addressed to this state for `token`) fires at `dueAt`; `name` makes its id unique. */
export function setStateTimer(call: StateCall, token: string, name: string, dueAt: number, type: string, data: JsonObject): void {
  const id = `${call.workspace}/${call.trigger.id}/${token}/${name}`;
  call.setTimer({ id, dueAt, event: makeEvent({ id, source: triggerSource(call), type, subject: subjectOf(call.trigger.id, token), data }) });
}

export function enter(call: StateCall, stateId: string, token: string, input: Json): void {
  publish(call, ENTER, subjectOf(stateId, token), { input });
}

/** The context object `$$`: the execution, this state, and (inside a Map's ItemSelector) the item. */
export function contextObject(call: StateCall, extra: JsonObject = {}): Json {
  return {
    Execution: { Id: call.workspace, Name: call.workspace, Input: call.global.input ?? {} },
    State: { Name: call.options.name },
    ...extra,
  };
}

function path(text: string): ReferencePath {
  return parsePath(text) as ReferencePath;
}

/** InputPath (default `$`; null gives `{}`), then Parameters when the state has them. */
export function effectiveInput(call: StateCall, input: Json, parameters = true): Json {
  const state = call.options.state as { InputPath?: string | null; Parameters?: JsonObject };
  const selected = state.InputPath === null ? {} : readPath(path(state.InputPath ?? '$'), input, contextObject(call));
  return parameters && state.Parameters !== undefined ? applyTemplate(state.Parameters, selected, contextObject(call)) : selected;
}

/** ResultSelector, ResultPath (null keeps the input) and OutputPath applied to a state's result. */
export function stateOutput(call: StateCall, input: Json, result: Json): Json {
  const state = call.options.state as { ResultSelector?: JsonObject; ResultPath?: string | null; OutputPath?: string | null };
  const selected = state.ResultSelector === undefined ? result : applyTemplate(state.ResultSelector, result, contextObject(call));
  const placed = state.ResultPath === null ? input : writePath(path(state.ResultPath ?? '$'), input, selected);
  return outputOf(call, placed);
}

export function outputOf(call: StateCall, value: Json): Json {
  const outputPath = (call.options.state as { OutputPath?: string | null }).OutputPath;
  return outputPath === null ? {} : readPath(path(outputPath ?? '$'), value, contextObject(call));
}

/** Goes on to `Next`, or ends this state's machine with `output`. */
export function transition(call: StateCall, token: string, output: Json): void {
  const next = (call.options.state as { Next?: string }).Next;
  if (next !== undefined) enter(call, next, token, output);
  else endMachine(call, token, { output });
}

export interface Failure {
  readonly error: string;
  readonly cause: string;
}

/** Ends a run of a machine: the execution at the top, else a branch or iteration reported to its owner. */
export function endMachine(call: StateCall, token: string, outcome: { readonly output: Json } | Failure): void {
  const data: JsonObject = 'output' in outcome ? { output: outcome.output } : { error: outcome.error, cause: outcome.cause };
  const { owner } = call.options;
  if (owner === null) {
    publish(call, 'output' in outcome ? WORKFLOW_SUCCEEDED : WORKFLOW_FAILED, call.workspace, data);
    return;
  }
  const { parent } = splitToken(token);
  publish(call, 'output' in outcome ? BRANCH_SUCCEEDED : BRANCH_FAILED, subjectOf(owner, parent), { ...data, child: token.slice(parent.length + 1) });
}

/** What a state that can fail keeps per entry: its input, its entry number and the retries used per retrier. */
export interface Recoverable extends JsonObject {
  input: Json;
  seq: number;
  retries: number[];
  /** A retry is scheduled: results of the try that failed are no longer counted. */
  waiting: boolean;
}

/** The entry a `falco.sm.retry` event is due for, now no longer waiting; undefined for a stale timer. */
export function retried<E extends Recoverable>(call: StateCall, token: string): E | undefined {
  const entry = entries<E>(call)[token];
  const seq = (call.event.data as { seq?: unknown } | undefined)?.seq;
  if (!entry || !entry.waiting || entry.seq !== seq) return undefined;
  entry.waiting = false;
  return entry;
}

/**
 * A state failed: the first Retry whose ErrorEquals matches and has attempts left schedules a
 * retry through the store's timers (`falco.sm.retry` at the backoff); else the first matching
 * Catch goes to its `Next` with the error placed at its ResultPath; else the machine fails.
 */
export function recover(call: StateCall, token: string, entry: Recoverable, failure: Failure): void {
  const state = call.options.state as { Retry?: readonly Retrier[]; Catch?: readonly Catcher[] };
  const retriers = state.Retry ?? [];
  const index = retriers.findIndex((retrier) => matches(retrier.ErrorEquals, failure.error));
  const retrier = retriers[index];
  if (retrier) {
    const used = entry.retries[index] ?? 0;
    if (used < (retrier.MaxAttempts ?? 3)) {
      entry.retries[index] = used + 1;
      entry.waiting = true;
      const delay = Math.min((retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** used, retrier.MaxDelaySeconds ?? Infinity);
      setStateTimer(call, token, `retry/${entry.seq}/${used + 1}`, Date.now() + delay * 1000, RETRY, { seq: entry.seq });
      return;
    }
  }
  delete entries(call)[token];
  const catcher = (state.Catch ?? []).find((candidate) => matches(candidate.ErrorEquals, failure.error));
  if (!catcher) {
    endMachine(call, token, failure);
    return;
  }
  const errorOutput = { Error: failure.error, Cause: failure.cause };
  const output = catcher.ResultPath === null ? entry.input : writePath(path(catcher.ResultPath ?? '$'), entry.input, errorOutput);
  enter(call, catcher.Next, token, output);
}

/** `States.ALL` matches every error; `States.TaskFailed` every error but the other `States.*` ones (a timeout, say). */
function matches(errorEquals: readonly string[], error: string): boolean {
  return errorEquals.some((name) => name === error || name === 'States.ALL' || (name === 'States.TaskFailed' && !error.startsWith('States.')));
}
