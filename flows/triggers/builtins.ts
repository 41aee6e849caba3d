import { invokeAction } from './actions/invoke.js';
import { passAction } from './actions/pass.js';
import { publishAction } from './actions/publish.js';
import { terminateAction } from './actions/terminate.js';
import { timeoutAction } from './actions/timeout.js';
import { counterCondition } from './conditions/counter.js';
import { joinCondition } from './conditions/join.js';
import { trueCondition } from './conditions/true.js';
import { Registry } from './registry.js';

/** A registry with the built-ins: conditions `true`, `join`, `counter`; actions `pass`, `publish`, `terminate`, `invoke`, `timeout`. */
export function createRegistry(): Registry {
  return new Registry()
    .condition(trueCondition)
    .condition(joinCondition)
    .condition(counterCondition)
    .action(passAction)
    .action(publishAction)
    .action(terminateAction)
    .action(invokeAction)
    .action(timeoutAction);
}
