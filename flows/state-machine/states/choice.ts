import { evaluateRule } from '../choice.js';
import type { ChoiceState } from '../definition.js';
import { ENTER } from '../events.js';
import { contextObject, effectiveInput, endMachine, enter, outputOf, stateAction, tokenOfCall } from '../runtime.js';
import { inputOf } from './input.js';

/** Choice: the first rule that holds picks the next state, else Default, else `States.NoChoiceMatched`. */
export const choiceAction = stateAction('Choice', (call) => {
  if (call.event.type !== ENTER) return;
  const state = call.options.state as ChoiceState;
  const token = tokenOfCall(call);
  const input = effectiveInput(call, inputOf(call), false);
  const next = state.Choices.find((rule) => evaluateRule(rule, input, contextObject(call)))?.Next ?? state.Default;
  if (next === undefined) {
    endMachine(call, token, { error: 'States.NoChoiceMatched', cause: `state "${call.options.name}": no Choice rule matched and there is no Default` });
    return;
  }
  enter(call, next, token, outputOf(call, input));
});
