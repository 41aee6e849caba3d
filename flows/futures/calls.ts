import type { Deployable } from '../../src/deployable.js';
import { CallFuture } from './future.js';
import type { Future } from './types.js';

/** What every call of a job shares: kept on each future, so `retryFailed` can run the call again. */
export interface JobSpec {
  /** The job's place in the executor's order: a retry reruns upstream jobs before the ones after them. */
  readonly seq: number;
  /** The job (`M000`, `A001`, `R000`); its phase, and the prefix of its keys. */
  readonly name: string;
  readonly fn: Deployable;
  /** Each call runs as a phase of its own as soon as its upstream ends (one reducer per key), not with the job's other calls. */
  readonly alone: boolean;
}

/** The calls whose outputs a call takes as its input, and how the input is made of them. */
export interface Upstream {
  readonly futures: readonly Future<unknown>[];
  readonly build: (outputs: readonly unknown[]) => unknown;
}

/** A future of a `FutureExecutor`'s call: its job, its input (or the calls it is built from), and which executor made it. */
export class JobFuture<O> extends CallFuture<O> {
  constructor(
    key: string,
    readonly job: JobSpec,
    readonly input: unknown,
    readonly upstream: Upstream | undefined,
    readonly owner: unknown,
  ) {
    super(key);
  }
}

/** Lithops' names: a job is a letter and three digits, a call its job and five digits (`M000/00042`). */
export function jobName(kind: 'A' | 'M' | 'R', seq: number): string {
  return `${kind}${String(seq).padStart(3, '0')}`;
}

export function callKey(job: string, index: number): string {
  return `${job}/${String(index).padStart(5, '0')}`;
}
