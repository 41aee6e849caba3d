import { brand } from '../../src/brand.js';
import { AbortedError, ConfigError, FatalError, FunctionError, PlanError, ThrottledError, TimeoutError, TransientError, type FalcoError } from '../../src/errors.js';
import type { ErrorInfo } from '../../src/invocation.js';

/**
 * The workflow's code no longer does what its log says it did at a position: another function (a
 * changed digest), another input, or another kind of call. Replaying it would mix two programs.
 */
export class NonDeterminismError extends PlanError {
  static {
    brand(this, 'NonDeterminismError');
  }

  constructor(
    readonly position: string,
    what: string,
  ) {
    super(
      `workflow code is not deterministic at ${position}: ${what}. Code that replays must make the same calls in the same order ` +
        '(use ctx.now() and ctx.random(), never Date.now() or Math.random()); to run changed code, start a new run',
    );
  }
}

/** A workflow definition, a run id or a ctx call is wrong before anything runs. */
export class WorkflowCodeError extends ConfigError {
  static {
    brand(this, 'WorkflowCodeError');
  }
}

/** The error a failed call is replayed as: the class it was logged with, its name and message. */
export function errorFromInfo(info: ErrorInfo): FalcoError {
  const message = info.message;
  const error = (() => {
    switch (info.class) {
      case 'function':
        return new FunctionError(message, info.type === undefined ? {} : { errorType: info.type });
      case 'throttled':
        return new ThrottledError(message);
      case 'transient':
        return new TransientError(message);
      case 'timeout':
        return new TimeoutError(message);
      case 'aborted':
        return new AbortedError(message);
      default:
        return new FatalError(message);
    }
  })();
  error.name = info.name;
  return error;
}
