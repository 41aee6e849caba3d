import type { EventBus, FalcoEvents } from '../events.js';
import { describeError } from './describe-error.js';

/** How a watched run went, beyond its records: the phases it planned, which never started, and why it failed. */
export interface RunOutcome {
  /** Every phase of the plan, in order. */
  readonly phases: readonly string[];
  /** Phases of the plan that never started (the run failed or was stopped before them). */
  readonly notStarted: readonly string[];
  readonly status: 'running' | 'completed' | 'failed';
  /** Why the run failed, in one line. */
  readonly error?: string;
  /** The run's budget stopped it: the first phase it stopped, and why. */
  readonly budgetExceeded?: { readonly phase: string; readonly usd: number; readonly reason: string };
}

/** Follows `run:start`, `phase:start` and `run:end` to know a run's outcome; the records alone cannot say it. */
export class RunOutcomeTracker {
  #phases: readonly string[] | undefined;
  readonly #started = new Set<string>();
  #status: RunOutcome['status'] = 'running';
  #error: string | undefined;
  #budgetExceeded: RunOutcome['budgetExceeded'];

  attach(events: EventBus<FalcoEvents>): () => void {
    const detach = [
      events.on('run:start', ({ phases }) => {
        this.#phases = phases;
        this.#started.clear();
        this.#status = 'running';
        this.#error = undefined;
        this.#budgetExceeded = undefined;
      }),
      events.on('budget:exceeded', ({ phase, usd, reason }) => {
        this.#budgetExceeded ??= { phase, usd, reason };
      }),
      events.on('phase:start', ({ phase }) => this.#started.add(phase)),
      events.on('run:end', ({ error }) => {
        this.#status = error === undefined ? 'completed' : 'failed';
        this.#error = error === undefined ? undefined : describeError(error);
      }),
    ];
    return () => detach.forEach((off) => off());
  }

  /** Undefined until a run has started. */
  outcome(): RunOutcome | undefined {
    if (!this.#phases) return undefined;
    return {
      phases: this.#phases,
      notStarted: this.#phases.filter((phase) => !this.#started.has(phase)),
      status: this.#status,
      ...(this.#error === undefined ? {} : { error: this.#error }),
      ...(this.#budgetExceeded === undefined ? {} : { budgetExceeded: this.#budgetExceeded }),
    };
  }
}
