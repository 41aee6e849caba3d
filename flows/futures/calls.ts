import type { Deployable } from '../../src/deployable.js';
import type { CallFuture } from './future.js';
import type { Future } from './types.js';

/**
 * What a future's call runs: the function, and the input built from the outputs of the calls it
 * waits for (none for a plain input). Kept per future, so `retryFailed` can run it again.
 */
export interface CallSpec {
  /** The job's place in the executor's order: a retry reruns upstream jobs before the ones after them. */
  readonly seq: number;
  /** The job (`M000`, `A001`, `R000`); its phase, and the prefix of its keys. */
  readonly job: string;
  readonly fn: Deployable;
  readonly upstream: readonly Future<unknown>[];
  readonly build: (outputs: readonly unknown[]) => unknown;
  /** Runs as a phase of its own as soon as its upstream ends (one reducer per key), not with its job's other calls. */
  readonly alone: boolean;
}

export interface Call {
  readonly future: CallFuture<unknown>;
  readonly spec: CallSpec;
}

/** Lithops' names: a job is a letter and three digits, a call its job and five digits (`M000/00042`). */
export function jobName(kind: 'A' | 'M' | 'R', seq: number): string {
  return `${kind}${String(seq).padStart(3, '0')}`;
}

export function callKey(job: string, index: number): string {
  return `${job}/${String(index).padStart(5, '0')}`;
}
