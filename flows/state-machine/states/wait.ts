import type { Json } from '../../../stores/ports/workspace.js';
import { isTimestamp } from '../choice.js';
import type { WaitState } from '../definition.js';
import { StatesRuntimeError } from '../errors.js';
import { ENTER, WAKE } from '../events.js';
import { contextObject, effectiveInput, nextSeq, outputOf, setStateTimer, stateAction, tokenOfCall, transition } from '../runtime.js';
import { parsePath, readPath, type ReferencePath } from '../paths.js';
import { dataOf, inputOf } from './input.js';

/**
 * Wait: sets a timer in the store (never a sleep in memory), whose `falco.sm.wake` event carries
 * the state's output; when it fires, the machine goes on. A restarted service loses no wait.
 */
export const waitAction = stateAction('Wait', (call) => {
  const token = tokenOfCall(call);
  if (call.event.type === WAKE) {
    transition(call, token, dataOf(call).output ?? {});
    return;
  }
  if (call.event.type !== ENTER) return;
  const input = effectiveInput(call, inputOf(call), false);
  const dueAt = dueAtOf(call.options.state as WaitState, input, contextObject(call));
  setStateTimer(call, token, `wait/${nextSeq(call)}`, dueAt, WAKE, { output: outputOf(call, input) });
});

function dueAtOf(state: WaitState, input: Json, context: Json): number {
  if (state.Seconds !== undefined) return Date.now() + state.Seconds * 1000;
  if (state.Timestamp !== undefined) return Date.parse(state.Timestamp);
  if (state.SecondsPath !== undefined) {
    const seconds = readPath(parsePath(state.SecondsPath) as ReferencePath, input, context);
    if (typeof seconds !== 'number' || seconds < 0) throw new StatesRuntimeError(`SecondsPath "${state.SecondsPath}" selects ${JSON.stringify(seconds)}, not a number of seconds (0 or more)`);
    return Date.now() + seconds * 1000;
  }
  const timestamp = readPath(parsePath(state.TimestampPath!) as ReferencePath, input, context);
  if (!isTimestamp(timestamp)) throw new StatesRuntimeError(`TimestampPath "${state.TimestampPath}" selects ${JSON.stringify(timestamp)}, not an RFC 3339 timestamp`);
  return Date.parse(timestamp);
}
