import { brand } from '../../src/brand.js';
import { AbortedError, FalcoError, FatalError, type ErrorClass, type FalcoErrorOptions } from '../../src/errors.js';

/**
 * Why a forwarded request was refused: `missing` (not signed), `unknownKey` (signed with a key id
 * this receiver does not accept), `tampered` (the signature does not match the body and issued-at),
 * `stale` (issued longer ago than `maxAgeMs`, or too far in the future).
 */
export type SignatureErrorKind = 'missing' | 'unknownKey' | 'tampered' | 'stale';

/** A forwarded request failed its signature check. The message names key ids, never a secret. */
export class SignatureError extends FatalError {
  static {
    brand(this, 'SignatureError');
  }

  constructor(
    readonly kind: SignatureErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** A forwarded request arrived a second time for the same request id and position: refused. */
export class ReplayError extends FatalError {
  static {
    brand(this, 'ReplayError');
  }

  constructor(
    readonly requestId: string,
    readonly position: number,
  ) {
    super(`request "${requestId}" was already delivered at position ${position}: a second delivery is refused (a replay, or a retry of a step that already ran)`);
  }
}

/** A request ended failed: the message names the pipeline, the request and the step; `cause` is the step's own error where this process saw it. */
export class PipelineFailedError extends FatalError {
  static {
    brand(this, 'PipelineFailedError');
  }
}

/** A request was stopped (`stop(requestId)`) before it ended. */
export class PipelineStoppedError extends AbortedError {
  static {
    brand(this, 'PipelineStoppedError');
  }
}

/** A forwarded request that cannot be read or whose signature does not hold: it is dead-lettered, never run. */
export class ForwardedRequestError extends FatalError {
  static {
    brand(this, 'ForwardedRequestError');
  }
}

/** A step of a request failed: the message names the step; `errorClass` is the failure's (a function's own error is `function`). */
export class StepFailedError extends FalcoError {
  static {
    brand(this, 'StepFailedError');
  }

  constructor(
    readonly errorClass: ErrorClass,
    message: string,
    options: FalcoErrorOptions = {},
  ) {
    super(message, options);
  }
}
