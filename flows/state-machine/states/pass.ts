import type { PassState } from '../definition.js';
import { ENTER } from '../events.js';
import { effectiveInput, stateAction, stateOutput, tokenOfCall, transition } from '../runtime.js';
import { inputOf } from './input.js';

/** Pass: its `Result` (or its effective input) placed at ResultPath, then on. */
export const passAction = stateAction('Pass', (call) => {
  if (call.event.type !== ENTER) return;
  const state = call.options.state as PassState;
  const input = inputOf(call);
  const result = state.Result !== undefined ? state.Result : effectiveInput(call, input);
  transition(call, tokenOfCall(call), stateOutput(call, input, result));
});
