import type { ErrorClass } from '../errors.js';

/** How many failed invocations a summary names, per phase and for the whole run; the rest are counted. */
export const FAILURES_LISTED = 10;

/** A failed invocation as a summary names it. */
export interface FailedInvocation {
  readonly phase: string;
  readonly id: string;
  readonly errorClass: ErrorClass;
  readonly message: string;
}

/** The first failed invocations, and how many more failed. */
export interface Failures {
  readonly listed: readonly FailedInvocation[];
  readonly unlisted: number;
}
