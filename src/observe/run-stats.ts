import type { EventBus, FalcoEvents } from '../events.js';
import type { Invocation } from '../invocation.js';
import { PhaseColumns } from './phase-columns.js';
import { PhaseTracker, type PhaseInfo } from './phase-info.js';
import { priceTableFor, type PricingOptions } from './pricing.js';
import { RunOutcomeTracker } from './run-outcome.js';
import { summarize, type RunSummary } from './summary.js';

/**
 * Collects a run's invocation records as they end, into per-phase columns of numbers, and
 * summarises them on demand. Feed it from a driver's events (`attach`) or from records kept
 * earlier (`add`); the figures are the same either way.
 */
export class RunStats {
  readonly #pricing: PricingOptions;
  readonly #phases = new Map<string, PhaseColumns>();
  readonly #runIds = new Set<string>();
  readonly #outcome = new RunOutcomeTracker();

  constructor(options: { pricing?: PricingOptions } = {}) {
    this.#pricing = options.pricing ?? {};
    // Fail now, not after an hour's run, on a price table that does not exist.
    priceTableFor(undefined, this.#pricing);
  }

  attach(events: EventBus<FalcoEvents>): () => void {
    const tracker = new PhaseTracker();
    const detach = [
      tracker.attach(events),
      this.#outcome.attach(events),
      events.on('invocation:end', ({ invocation }) => this.add(invocation, tracker.info(invocation.phase))),
      events.on('invocation:restored', ({ invocation }) => this.addRestored(invocation, tracker.info(invocation.phase))),
    ];
    return () => detach.forEach((off) => off());
  }

  /** Adds one final invocation record; `info` names its run and deployment where known. */
  add(invocation: Invocation, info: PhaseInfo = { phase: invocation.phase }): void {
    this.#phase(invocation, info).add(invocation);
  }

  /** Adds a record a journal restored: it counts in the run's totals, but ran earlier, so not in its timings or cost. */
  addRestored(invocation: Invocation, info: PhaseInfo = { phase: invocation.phase }): void {
    this.#phase(invocation, info).addRestored(invocation);
  }

  #phase(invocation: Invocation, info: PhaseInfo): PhaseColumns {
    if (info.runId !== undefined) this.#runIds.add(info.runId);
    let phase = this.#phases.get(invocation.phase);
    if (!phase) {
      phase = new PhaseColumns(info, priceTableFor(info.platform, this.#pricing));
      this.#phases.set(invocation.phase, phase);
    }
    return phase;
  }

  /** The phases seen so far, in the order their first record arrived. */
  get phases(): readonly PhaseColumns[] {
    return [...this.#phases.values()];
  }

  get runIds(): readonly string[] {
    return [...this.#runIds];
  }

  /** Summary of every phase and of the whole run (and, when attached to a run, its outcome). Sorts copies of the columns; the stats stay usable. */
  summary(): RunSummary {
    return summarize(this.phases, this.runIds, this.#outcome.outcome());
  }
}
