import type { FailState } from '../definition.js';
import { ENTER } from '../events.js';
import { effectiveInput, endMachine, outputOf, stateAction, tokenOfCall } from '../runtime.js';
import { inputOf } from './input.js';

/** Succeed: ends its machine with its input (through InputPath and OutputPath). */
export const succeedAction = stateAction('Succeed', (call) => {
  if (call.event.type !== ENTER) return;
  endMachine(call, tokenOfCall(call), { output: outputOf(call, effectiveInput(call, inputOf(call), false)) });
});

/** Fail: ends its machine with its Error and Cause, which an enclosing Parallel or Map may Catch. */
export const failAction = stateAction('Fail', (call) => {
  if (call.event.type !== ENTER) return;
  const state = call.options.state as FailState;
  endMachine(call, tokenOfCall(call), { error: state.Error ?? 'States.Fail', cause: state.Cause ?? '' });
});
