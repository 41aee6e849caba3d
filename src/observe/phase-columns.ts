import type { ErrorClass } from '../errors.js';
import type { Invocation } from '../invocation.js';
import { AttemptIntervals } from './attempt-intervals.js';
import { Durations } from './durations.js';
import { FAILURES_LISTED, type FailedInvocation } from './failures.js';
import { finalAttempt } from './final-attempt.js';
import type { PhaseInfo } from './phase-info.js';
import { billedMs, type PriceTable } from './pricing.js';
import { RowSample } from './row-sample.js';

/** Status codes kept in the low two bits of an invocation's flags. */
export const STATUS_CODES = { succeeded: 0, failed: 1, aborted: 2 } as const;
export const STATUS_OF_CODE = ['succeeded', 'failed', 'aborted'] as const;
/** The invocation's final attempt was a cold start. */
export const COLD_FLAG = 4;
/** The invocation was retried (speculative copies aside). */
export const RETRIED_FLAG = 8;

/** Billing of the attempts that reached the function: what a cost estimate needs. */
export interface Billing {
  /** Milliseconds billed, summed over attempts. */
  billedMs: number;
  /** Attempts priced from the billed duration the platform reported. */
  reported: number;
  /** Attempts priced from their duration, rounded up by the table's rule. */
  rounded: number;
  /** Attempts that reported neither, and are not priced. */
  unpriced: number;
}

/**
 * One phase's records, reduced to counters and columns of numbers as they arrive: the end-to-end
 * latency of each invocation that reached the platform, each attempt's interval in flight and the
 * platform's duration, and a sample of rows for the timeline. Summaries and reports are computed
 * from these. Columns keep every value up to 65,536 per phase (exact statistics), and past that
 * fold into fixed-size histograms and sampled concurrency, so a phase of millions stays in a few MB.
 */
export class PhaseColumns {
  readonly info: PhaseInfo;
  readonly table: PriceTable | undefined;
  readonly counts = { succeeded: 0, failed: 0, aborted: 0 };
  readonly errors: Partial<Record<ErrorClass, number>> = {};
  attempts = 0;
  /** Speculative copies of slow attempts (straggler mitigation); not retries. */
  speculative = 0;
  coldStarts = 0;
  retriedInvocations = 0;
  /** Invocations whose records came from a journal: counted by status, not in timings or cost. */
  restored = 0;
  /** Invocations that reached the platform (at least one attempt). */
  ran = 0;
  firstSubmittedAt = Infinity;
  lastEndedAt = -Infinity;
  readonly billing: Billing = { billedMs: 0, reported: 0, rounded: 0, unpriced: 0 };
  /** The first failed invocations, by id, class and message. */
  readonly failures: FailedInvocation[] = [];

  /** First submit to final answer, per invocation that reached the platform. */
  readonly latencyMs = new Durations();
  /** The platform's own duration, per attempt that reported one. */
  readonly platformDurationMs = new Durations();
  /** Submit to answer, per attempt: the concurrency. */
  readonly intervals = new AttemptIntervals();
  /** Every 2^k-th invocation that reached the platform, for the report's timeline. */
  readonly rows = new RowSample();

  constructor(info: PhaseInfo, table: PriceTable | undefined) {
    this.info = info;
    this.table = table;
  }

  get invocations(): number {
    return this.counts.succeeded + this.counts.failed + this.counts.aborted;
  }

  /** A record restored from a journal: it ran in an earlier run, so only its status and error count here. */
  addRestored(invocation: Invocation): void {
    this.restored++;
    this.#count(invocation);
  }

  add(invocation: Invocation): void {
    const status = this.#count(invocation);
    const attempts = invocation.attempts;
    const first = attempts[0];
    const last = finalAttempt(invocation);
    if (!first || !last) return;
    let retried = false;
    for (const attempt of attempts) {
      this.attempts++;
      if (attempt.speculative) this.speculative++;
      else if (attempt !== first) retried = true;
      if (attempt.coldStart) this.coldStarts++;
      this.intervals.push(attempt.submittedAt, attempt.endedAt);
      if (attempt.submittedAt < this.firstSubmittedAt) this.firstSubmittedAt = attempt.submittedAt;
      if (attempt.endedAt > this.lastEndedAt) this.lastEndedAt = attempt.endedAt;
      if (attempt.durationMs !== undefined) this.platformDurationMs.push(attempt.durationMs);
      this.#bill(attempt.billedDurationMs, attempt.durationMs);
    }
    if (retried) this.retriedInvocations++;
    this.ran++;
    this.latencyMs.push(last.endedAt - first.submittedAt);
    if (this.rows.count()) {
      const flags = STATUS_CODES[status] | (last.coldStart ? COLD_FLAG : 0) | (retried ? RETRIED_FLAG : 0);
      this.rows.keep({ id: invocation.id, submittedAt: first.submittedAt, startedAt: last.startedAt ?? NaN, endedAt: last.endedAt, flags });
    }
  }

  #count(invocation: Invocation): keyof typeof STATUS_CODES {
    const status = invocation.status === 'pending' ? 'aborted' : invocation.status;
    this.counts[status]++;
    const error = invocation.error;
    if (error) this.errors[error.class] = (this.errors[error.class] ?? 0) + 1;
    if (status === 'failed' && error && this.failures.length < FAILURES_LISTED) {
      this.failures.push({ phase: invocation.phase, id: invocation.id, errorClass: error.class, message: error.message });
    }
    return status;
  }

  #bill(billedDurationMs: number | undefined, durationMs: number | undefined): void {
    const billing = this.billing;
    if (billedDurationMs !== undefined) {
      billing.billedMs += billedDurationMs;
      billing.reported++;
    } else if (durationMs !== undefined && this.table) {
      billing.billedMs += billedMs(durationMs, this.table);
      billing.rounded++;
    } else {
      billing.unpriced++;
    }
  }
}
