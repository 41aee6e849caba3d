import { FatalError } from '../../src/errors.js';

/**
 * Why a forwarded request was refused: `missing` (not signed), `unknownKey` (signed with a key id
 * this receiver does not accept), `tampered` (the signature does not match the body and issued-at),
 * `stale` (issued longer ago than `maxAgeMs`, or too far in the future).
 */
export type SignatureErrorKind = 'missing' | 'unknownKey' | 'tampered' | 'stale';

/** A forwarded request failed its signature check. The message names key ids, never a secret. */
export class SignatureError extends FatalError {
  constructor(
    readonly kind: SignatureErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** A forwarded request arrived a second time for the same request id and position: refused. */
export class ReplayError extends FatalError {
  constructor(
    readonly requestId: string,
    readonly position: number,
  ) {
    super(`request "${requestId}" was already delivered at position ${position}: a second delivery is refused (a replay, or a retry of a step that already ran)`);
  }
}
