import { findNonJsonValue } from '../../src/json.js';
import type { Json } from '../../stores/ports/workspace.js';
import { WorkflowCodeError } from './errors.js';

/** The value, checked to be JSON (what a log can keep); `what` names it in the `WorkflowCodeError` if not. */
export function asJson(value: unknown, what: string): Json {
  const problem = findNonJsonValue(value, 'value');
  if (problem) throw new WorkflowCodeError(`${what} cannot be logged: ${problem}`);
  return value as Json;
}
