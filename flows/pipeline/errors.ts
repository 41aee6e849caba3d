import { AbortedError, FalcoError, FatalError, type ErrorClass, type FalcoErrorOptions } from '../../src/errors.js';

/** A request ended failed: the message names the pipeline, the request and the step; `cause` is the step's own error where this process saw it. */
export class PipelineFailedError extends FatalError {}

/** A request was stopped (`stop(requestId)`) before it ended. */
export class PipelineStoppedError extends AbortedError {}

/** A forwarded request that cannot be read or whose signature does not hold: it is dead-lettered, never run. */
export class ForwardedRequestError extends FatalError {}

/** A step of a request failed: the message names the step; `errorClass` is the failure's (a function's own error is `function`). */
export class StepFailedError extends FalcoError {
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
    options: FalcoErrorOptions = {},
  ) {
    super(message, options);
  }
}
