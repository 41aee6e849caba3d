import type { Deployable } from './deployable.js';
import { PlanError } from './errors.js';
import type { Executor } from './executor.js';
import type { InvocationRequest } from './invocation.js';
import type { PhaseResult } from './phase-result.js';

/** What a phase can see when it builds its invocations: the results of the phases before it. */
export interface PhaseContext {
  /** The result of the phase just before this one; undefined for the first phase. */
  readonly previous: PhaseResult | undefined;
  /** Every earlier phase's result, by phase id. */
  readonly results: ReadonlyMap<string, PhaseResult>;
}

/** A phase's requests: an array, or an iterable (sync or async) that yields them one at a time, so they are never all held. */
export type RequestSource<I> = readonly InvocationRequest<I>[] | Iterable<InvocationRequest<I>> | AsyncIterable<InvocationRequest<I>>;

export type InvocationSource<I> = RequestSource<I> | ((context: PhaseContext) => RequestSource<I> | Promise<RequestSource<I>>);

/** A batch of invocations against one deployed function. */
export interface Phase<I = unknown> {
  readonly id: string;
  /** The requests, or a function that builds them from the phases before (map, then reduce). */
  readonly invocations: InvocationSource<I>;
  /** The function this phase calls; defaults to the driver runtime's `makeDeployment()`. */
  readonly deployable?: Deployable;
  /** Overrides the run's executor for this phase. */
  readonly executor?: Executor;
  /**
   * Start this phase even when invocations of the phase before it did not succeed, on the outputs
   * of those that did. Overrides the run's `continueOnFailure` (default false: the run stops).
   */
  readonly continueOnFailure?: boolean;
}

/** An ordered set of phases; each runs after the one before has ended. */
export class ExecutionPlan {
  readonly phases: readonly Phase[];

  constructor(phases: readonly Phase<any>[]) {
    if (!Array.isArray(phases) || phases.length === 0) {
      throw new PlanError('the execution plan has no phases: give it at least one phase { id, invocations }');
    }
    const ids = new Set<string>();
    for (const [index, phase] of phases.entries()) {
      if (!phase || typeof phase.id !== 'string' || !/^[\w.-]{1,64}$/.test(phase.id)) {
        throw new PlanError(`phase #${index} needs an id of 1-64 letters, digits, "_", "." or "-"`);
      }
      if (ids.has(phase.id)) throw new PlanError(`phase id "${phase.id}" is used twice; phase ids must be unique`);
      ids.add(phase.id);
      if (!isRequestSource(phase.invocations) && typeof phase.invocations !== 'function') {
        throw new PlanError(`phase "${phase.id}": invocations must be an array or iterable of { id?, input }, or a function returning one`);
      }
      if (phase.executor !== undefined && typeof phase.executor?.execute !== 'function') {
        throw new PlanError(`phase "${phase.id}": executor must be an Executor such as new ConcurrentExecutor() from 'falco/executors' (got ${describeExecutor(phase.executor)})`);
      }
      if (phase.continueOnFailure !== undefined && typeof phase.continueOnFailure !== 'boolean') {
        throw new PlanError(`phase "${phase.id}": continueOnFailure must be true or false`);
      }
    }
    this.phases = Object.freeze([...phases]);
  }
}

export function isRequestSource(value: unknown): value is RequestSource<unknown> {
  if (value === null || typeof value !== 'object') return false;
  return Symbol.iterator in value || Symbol.asyncIterator in value;
}

function describeExecutor(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object without execute()' : `a ${typeof value}`;
}
