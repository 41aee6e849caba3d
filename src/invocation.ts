import { type ErrorClass, FalcoError, FunctionError, PlanError, type PlatformTimings } from './errors.js';
import { findNonJsonValue } from './json.js';

/** One unit of work as the user hands it in; `id` defaults to `<phase>-<index>`. */
export interface InvocationRequest<I = unknown> {
  readonly id?: string;
  readonly input: I;
}

export type InvocationStatus = 'pending' | 'succeeded' | 'failed' | 'aborted';

/** An error as a record keeps it: plain data, its class first. */
export interface ErrorInfo {
  readonly class: ErrorClass;
  readonly name: string;
  readonly message: string;
  /** The function's own error type, where the platform reports one. */
  readonly type?: string | undefined;
}

/** One try at running an invocation. Times are milliseconds on falco's monotonic clock. */
export interface Attempt extends PlatformTimings {
  /** 1 for the first try. */
  readonly attempt: number;
  /** When falco handed the call to the platform. */
  submittedAt: number;
  /** When the answer (or the failure) came back. */
  endedAt: number;
  /** A copy launched because the original ran too long (straggler mitigation). */
  speculative?: true;
  /** The memory of the deployment this attempt ran on, where it was not the phase's own: a retry with more memory. */
  memoryMB?: number;
  /** The attempt failed because the function ran out of memory. */
  outOfMemory?: true;
  /** Absent when the attempt succeeded. */
  errorClass?: ErrorClass;
  error?: string;
}

/**
 * The invocation record: what was asked, what came back, and every attempt. Plain data: it
 * serialises to JSON as it is.
 */
export interface Invocation<I = unknown, O = unknown> {
  readonly id: string;
  readonly phase: string;
  readonly input: I;
  status: InvocationStatus;
  output?: O;
  error?: ErrorInfo;
  attempts: Attempt[];
}

export function errorInfo(error: FalcoError): ErrorInfo {
  const info: { class: ErrorClass; name: string; message: string; type?: string } = {
    class: error.errorClass,
    name: error.name,
    message: error.message,
  };
  if (error instanceof FunctionError && error.errorType !== undefined) info.type = error.errorType;
  return info;
}

/**
 * Turns a phase's requests into pending records, checking up front what would otherwise fail
 * half-way: ids used twice and inputs JSON cannot carry.
 */
export function createInvocations<I, O>(phase: string, requests: readonly InvocationRequest<I>[]): Invocation<I, O>[] {
  if (!Array.isArray(requests)) {
    throw new PlanError(`phase "${phase}": invocations must be an array of { id?, input }`);
  }
  const make = invocationMaker<I, O>(phase);
  return requests.map((request, index) => make(request, index));
}

/**
 * Makes the pending record of each request as it comes, for sources too large to hold: a default
 * id (`<phase>-<index>`) is unique by construction, so only ids the user gave are remembered. A given
 * id of the default form must name its own index, so it can never meet a default id.
 */
export function invocationMaker<I, O>(phase: string): (request: InvocationRequest<I>, index: number) => Invocation<I, O> {
  const given = new Set<string>();
  const prefix = `${phase}-`;
  return (request, index) => {
    if (request === null || typeof request !== 'object' || !('input' in request)) {
      throw new PlanError(`phase "${phase}": invocation #${index} must be an object { id?, input }`);
    }
    const id = request.id ?? `${prefix}${index}`;
    if (request.id !== undefined) {
      if (typeof id !== 'string' || id.length === 0) {
        throw new PlanError(`phase "${phase}": invocation #${index} has an empty or non-string id`);
      }
      const seen = given.size;
      // One lookup, not a `has` then an `add`: an id already given leaves the set's size as it was.
      if (given.add(id).size === seen || (id.startsWith(prefix) && /^\d+$/.test(id.slice(prefix.length)) && id !== `${prefix}${index}`)) {
        throw new PlanError(`phase "${phase}": invocation id "${id}" is used twice; ids must be unique within a phase`);
      }
    }
    const problem = findNonJsonValue(request.input, 'input');
    if (problem) throw new PlanError(`phase "${phase}", invocation "${id}": ${problem}`);
    return { id, phase, input: request.input, status: 'pending', attempts: [] };
  };
}
