import { brand } from '../../src/brand.js';
import { PlanError } from '../../src/errors.js';

/** A state machine definition that cannot run: the message names the state and the fix. */
export class StateMachineError extends PlanError {
  static {
    brand(this, 'StateMachineError');
  }
}

/**
 * A fault while a state runs that ASL calls `States.Runtime` (a path that selects nothing, items
 * that are not an array, a Wait timestamp that is not one): it fails the execution, and neither
 * Retry nor Catch handles it.
 */
export class StatesRuntimeError extends Error {
  override readonly name = 'States.Runtime';
}
