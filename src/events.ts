import type { Deployment } from './platform.js';
import type { FalcoError } from './errors.js';
import type { Attempt, Invocation } from './invocation.js';
import type { PhaseResult } from './phase-result.js';
import type { RunResult } from './driver.js';

/** Every event falco emits, with its payload. */
export interface FalcoEvents {
  'run:start': { readonly runId: string; readonly phases: readonly string[] };
  /** The run ended: `result` when it completed, `error` when it failed or was aborted. */
  'run:end': { readonly runId: string; readonly result?: RunResult; readonly error?: unknown };
  'deploy': { readonly phase: string; readonly deployment: Deployment };
  'remove': { readonly deployment: Deployment; readonly error?: FalcoError };
  /** `size` is undefined when the phase's invocations come from an iterable of unknown length. */
  'phase:start': { readonly phase: string; readonly size: number | undefined; readonly deployment: Deployment };
  'phase:end': { readonly result: PhaseResult };
  'invocation:start': { readonly invocation: Invocation };
  /** After each attempt, failed or not; `attempt` is the entry just added to the record. */
  'invocation:attempt': { readonly invocation: Invocation; readonly attempt: Attempt };
  /** An attempt failed and another will follow after `delayMs` or more. */
  'invocation:retry': { readonly invocation: Invocation; readonly attempt: Attempt; readonly delayMs: number };
  /** The run's budget admits no more attempts: the phase's invocations not yet run end aborted. Once per phase it stops. */
  'budget:exceeded': { readonly phase: string; readonly usd: number; readonly spentUsd: number; readonly reason: string };
  /** The invocation reached its final status. Emitted exactly once per invocation that ran. */
  'invocation:end': { readonly invocation: Invocation };
  /**
   * The invocation's final record came from the run's journal instead of running: emitted once per
   * restored record, before its phase starts, in place of `invocation:start` … `invocation:end`.
   */
  'invocation:restored': { readonly invocation: Invocation };
}

type Listener<T> = (payload: T) => void;

/**
 * A small typed event bus. Emitting to no listeners costs one property read, so the hot path
 * stays cheap when nobody watches. A listener that throws is reported, never allowed to break a run.
 */
export class EventBus<M extends object = FalcoEvents> {
  readonly #listeners: { [K in keyof M]?: Listener<M[K]>[] } = {};

  on<K extends keyof M>(event: K, listener: Listener<M[K]>): () => void {
    (this.#listeners[event] ??= []).push(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof M>(event: K, listener: Listener<M[K]>): void {
    const list = this.#listeners[event];
    if (list) this.#listeners[event] = list.filter((l) => l !== listener);
  }

  has(event: keyof M): boolean {
    return (this.#listeners[event]?.length ?? 0) > 0;
  }

  emit<K extends keyof M>(event: K, payload: M[K]): void {
    const list = this.#listeners[event];
    if (!list) return;
    for (const listener of list) {
      try {
        listener(payload);
      } catch (error) {
        process.emitWarning(`falco: a listener of "${String(event)}" threw: ${String(error)}`);
      }
    }
  }
}
