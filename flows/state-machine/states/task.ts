import { invocationOutcome, invoke, type InvocationError } from '../../builders/invocations.js';
import type { TaskState } from '../definition.js';
import { ENTER, RETRY } from '../events.js';
import { effectiveInput, entries, nextSeq, recover, retried, stateAction, stateOutput, tokenOfCall, transition, type Failure, type Recoverable, type StateCall } from '../runtime.js';
import { inputOf } from './input.js';

interface TaskEntry extends Recoverable {
  attempt: number;
}

/**
 * Task: invokes the deployable the run registered as `Resource` with the effective input; its
 * output goes through ResultSelector, ResultPath and OutputPath. A failure goes to Retry, then
 * Catch. Each entry and attempt has its own invocation key (`<token>~<seq>.<attempt>`), so a
 * late or repeated result of an earlier one is ignored.
 */
export const taskAction = stateAction('Task', (call) => {
  const outcome = invocationOutcome(call);
  if (outcome) {
    const [token, id] = splitKey(outcome.key);
    const entry = entries<TaskEntry>(call)[token];
    if (!entry || entry.waiting || `${entry.seq}.${entry.attempt}` !== id) return;
    if (!outcome.ok) {
      recover(call, token, entry, failureOf(outcome.error));
      return;
    }
    delete entries(call)[token];
    transition(call, token, stateOutput(call, entry.input, outcome.output));
    return;
  }
  const token = tokenOfCall(call);
  if (call.event.type === ENTER) {
    const entry: TaskEntry = { input: inputOf(call), seq: nextSeq(call), retries: [], waiting: false, attempt: 1 };
    entries<TaskEntry>(call)[token] = entry;
    start(call, token, entry);
  } else if (call.event.type === RETRY) {
    const entry = retried<TaskEntry>(call, token);
    if (!entry) return;
    entry.attempt += 1;
    start(call, token, entry);
  }
});

function start(call: StateCall, token: string, entry: TaskEntry): void {
  const state = call.options.state as TaskState;
  invoke(call, { deployment: state.Resource, key: `${token}~${entry.seq}.${entry.attempt}`, input: effectiveInput(call, entry.input) });
}

function splitKey(key: string): [token: string, id: string] {
  const at = key.lastIndexOf('~');
  return [key.slice(0, at), key.slice(at + 1)];
}

/**
 * The ASL error name of a failed invocation: `States.Timeout` for a timeout, the function's own
 * error type where the platform reports one (`ValueError`, `TypeError`), else falco's error name
 * (`FunctionError`, `TransientError`, ...). The cause is the error's message.
 */
function failureOf(error: InvocationError): Failure {
  const name = error.class === 'timeout' ? 'States.Timeout' : (error.type ?? error.name);
  return { error: name, cause: error.message };
}
