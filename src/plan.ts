import type { Deployable } from './deployable.js';
import { PlanError } from './errors.js';
import type { Executor } from './executor.js';
import type { InvocationRequest } from './invocation.js';
import type { PhaseResult } from './phase-result.js';

/**
 * What a phase can see when it builds its invocations: the results of the phases before it.
 * `Previous` is the output type of the phase just before (known in a plan built with `plan()`).
 */
export interface PhaseContext<Previous = unknown> {
  /** The result of the phase just before this one; undefined for the first phase. */
  readonly previous: PhaseResult<unknown, Previous> | undefined;
  /** Every earlier phase's result, by phase id. */
  readonly results: ReadonlyMap<string, PhaseResult>;
}

/** A phase's requests: an array, or an iterable (sync or async) that yields them one at a time, so they are never all held. */
export type RequestSource<I> = readonly InvocationRequest<I>[] | Iterable<InvocationRequest<I>> | AsyncIterable<InvocationRequest<I>>;

/**
 * Builds a phase's requests from the phases before it. Written as a method so that a phase typed by
 * what it reads (`Phase<I, O, Previous>`) still passes where any phase is asked for.
 */
interface BuildRequests<I, Previous> {
  build(context: PhaseContext<Previous>): RequestSource<I> | Promise<RequestSource<I>>;
}

export type InvocationSource<I, Previous = unknown> = RequestSource<I> | BuildRequests<I, Previous>['build'];

/**
 * A batch of invocations against one deployed function. `I` and `O` are its function's input and
 * output types (taken from its `deployable` where that was declared with `deployable<I, O>()`);
 * `Previous` is the output type of the phase before it, which `context.previous` carries.
 */
export interface Phase<I = unknown, O = unknown, Previous = unknown> {
  readonly id: string;
  /** The requests, or a function that builds them from the phases before (map, then reduce). */
  readonly invocations: InvocationSource<I, Previous>;
  /** The function this phase calls; defaults to the driver runtime's `makeDeployment()`. */
  readonly deployable?: Deployable<I, O> | undefined;
  /** Overrides the run's executor for this phase. */
  readonly executor?: Executor | undefined;
  /**
   * Start this phase even when invocations of the phase before it did not succeed, on the outputs
   * of those that did. Overrides the run's `continueOnFailure` (default false: the run stops).
   */
  readonly continueOnFailure?: boolean | undefined;
}

/** Any phase, whatever its types: what a plan holds. */
export type AnyPhase = Phase<any, any, any>;

/** Where a type was never declared (`any`), `unknown`: so untyped plans give `unknown`, not `any`. */
type Declared<T> = 0 extends 1 & T ? unknown : T;

/** A phase's function input type. */
export type PhaseInput<P> = P extends Phase<infer I, infer _O, infer _P> ? Declared<I> : unknown;
/** A phase's function output type: what the next phase's `context.previous` holds. */
export type PhaseOutput<P> = P extends Phase<infer _I, infer O, infer _P> ? Declared<O> : unknown;

/**
 * The phases of a plan, each checked to read what the phase before it gives: a phase whose
 * `Previous` is not the output type of the phase before it is a compile error here.
 */
export type ChainedPhases<Phases extends readonly AnyPhase[], Before = unknown> = Phases extends readonly [infer First extends AnyPhase, ...infer Rest extends readonly AnyPhase[]]
  ? readonly [ReadsBefore<First, Before>, ...ChainedPhases<Rest, PhaseOutput<First>>]
  : Phases;

type ReadsBefore<P extends AnyPhase, Before> = P extends Phase<infer I, infer O, infer Previous> ? ([Before] extends [Previous] ? P : Phase<I, O, Before>) : P;

/**
 * An ordered set of phases; each runs after the one before has ended. Built from a tuple
 * (`new ExecutionPlan([map, reduce] as const)`, or `plan(map, reduce)`), it keeps each phase's types,
 * and the driver's `RunResult` has one typed `PhaseResult` per phase.
 */
export class ExecutionPlan<Phases extends readonly AnyPhase[] = readonly AnyPhase[]> {
  readonly phases: Phases;

  constructor(phases: Phases & ChainedPhases<Phases>) {
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
    this.phases = Object.freeze([...phases]) as unknown as Phases; // the same phases, frozen
  }
}

/**
 * A plan whose phases are typed from one to the next: each phase's `context.previous` is the result
 * of the phase before, with its output type, and the run's result has one typed `PhaseResult` per phase.
 */
export function plan<I1, O1>(first: Phase<I1, O1>): ExecutionPlan<readonly [Phase<I1, O1>]>;
export function plan<I1, O1, I2, O2>(first: Phase<I1, O1>, second: Phase<I2, O2, O1>): ExecutionPlan<readonly [Phase<I1, O1>, Phase<I2, O2, O1>]>;
export function plan<I1, O1, I2, O2, I3, O3>(
  first: Phase<I1, O1>,
  second: Phase<I2, O2, O1>,
  third: Phase<I3, O3, O2>,
): ExecutionPlan<readonly [Phase<I1, O1>, Phase<I2, O2, O1>, Phase<I3, O3, O2>]>;
export function plan<I1, O1, I2, O2, I3, O3, I4, O4>(
  first: Phase<I1, O1>,
  second: Phase<I2, O2, O1>,
  third: Phase<I3, O3, O2>,
  fourth: Phase<I4, O4, O3>,
): ExecutionPlan<readonly [Phase<I1, O1>, Phase<I2, O2, O1>, Phase<I3, O3, O2>, Phase<I4, O4, O3>]>;
export function plan<I1, O1, I2, O2, I3, O3, I4, O4, I5, O5>(
  first: Phase<I1, O1>,
  second: Phase<I2, O2, O1>,
  third: Phase<I3, O3, O2>,
  fourth: Phase<I4, O4, O3>,
  fifth: Phase<I5, O5, O4>,
): ExecutionPlan<readonly [Phase<I1, O1>, Phase<I2, O2, O1>, Phase<I3, O3, O2>, Phase<I4, O4, O3>, Phase<I5, O5, O4>]>;
export function plan<I1, O1, I2, O2, I3, O3, I4, O4, I5, O5, I6, O6>(
  first: Phase<I1, O1>,
  second: Phase<I2, O2, O1>,
  third: Phase<I3, O3, O2>,
  fourth: Phase<I4, O4, O3>,
  fifth: Phase<I5, O5, O4>,
  sixth: Phase<I6, O6, O5>,
): ExecutionPlan<readonly [Phase<I1, O1>, Phase<I2, O2, O1>, Phase<I3, O3, O2>, Phase<I4, O4, O3>, Phase<I5, O5, O4>, Phase<I6, O6, O5>]>;
/** Longer plans: `new ExecutionPlan([...phases] as const)` over phases typed apart (`Phase<I, O, Previous>`). */
export function plan(...phases: readonly AnyPhase[]): ExecutionPlan {
  return new ExecutionPlan(phases);
}

export function isRequestSource(value: unknown): value is RequestSource<unknown> {
  if (value === null || typeof value !== 'object') return false;
  return Symbol.iterator in value || Symbol.asyncIterator in value;
}

function describeExecutor(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object without execute()' : `a ${typeof value}`;
}
