import { z } from 'zod';
import { AbortedError, ConfigError } from './errors.js';
import type { Attempt } from './invocation.js';
import { billedMs, priceTableFor, vcpusFor, type PriceTable, type PricingOptions } from './observe/pricing.js';
import { parseOptions } from './options.js';
import type { Deployment } from './platform.js';
import type { Expect, MatchesSchema } from './schema-check.js';

const budgetSchema = z
  .object({
    /** The most the run may cost, in US dollars, by the running estimate of `falco/observe`'s price tables. */
    usd: z.number().positive('must be more than 0 dollars'),
    /** Which prices the estimate uses: needed on platforms without a table of their own (local, simulated). */
    pricing: z.custom<PricingOptions>((value) => typeof value === 'object' && value !== null, 'must be pricing options { as?, tables? }').optional(),
  })
  .strict();

/** A run's spending limit: once the running cost estimate would pass `usd`, no more attempts go out. */
export interface BudgetOptions {
  /** The most the run may cost, in US dollars, by the running estimate of `falco/observe`'s price tables. */
  readonly usd: number;
  /** Which prices the estimate uses: needed on platforms without a table of their own (local, simulated), e.g. `{ as: 'lambda' }`. @default the platform's table */
  readonly pricing?: PricingOptions | undefined;
}

type _Check = Expect<MatchesSchema<BudgetOptions, typeof budgetSchema>>;

/**
 * A run's spending limit. Before each attempt goes out, the guard checks that what has been spent
 * plus what the attempts in flight are expected to cost, plus this one, stays within `usd`; once it
 * would not, the phase admits no more attempts and the invocations not yet run end `aborted`.
 * An attempt is expected to cost what the phase's attempts have cost on average so far (before the
 * first has ended: one request and one billing increment), so the estimate is never passed, and the
 * run can stop up to a window of calls short of it.
 */
export class Budget {
  readonly usd: number;
  readonly #pricing: PricingOptions;
  #spentUsd = 0;

  constructor(options: BudgetOptions) {
    const parsed = parseOptions(budgetSchema, options, 'budget');
    this.usd = parsed.usd;
    this.#pricing = parsed.pricing ?? {};
  }

  /** What the attempts that have ended cost, in US dollars. */
  get spentUsd(): number {
    return this.#spentUsd;
  }

  /** The guard for one phase's deployment; a ConfigError when no price table covers its platform. */
  forPhase(phase: string, deployment: Deployment): PhaseBudget {
    const table = priceTableFor(deployment.platform, this.#pricing);
    if (!table) {
      throw new ConfigError(
        `budget: phase "${phase}" runs on the ${deployment.platform} platform, which has no price table: ` +
          "say what its calls would cost with budget.pricing, e.g. { as: 'lambda' }",
      );
    }
    if (table.currency !== 'USD') throw new ConfigError(`budget: the price table "${table.name}" is in ${table.currency}; a budget is in USD`);
    return new PhaseBudget(this, phase, table, deployment.memoryMB, (usd) => (this.#spentUsd += usd));
  }
}

export class PhaseBudget {
  #inFlight = 0;
  #ended = 0;
  #endedUsd = 0;

  constructor(
    readonly budget: Budget,
    readonly phase: string,
    readonly table: PriceTable,
    readonly memoryMB: number,
    private readonly spend: (usd: number) => void,
  ) {}

  /** Reserves one attempt's expected cost; false when it would take the run past its budget. */
  admit(): boolean {
    const expected = this.#expectedUsd();
    if (this.budget.spentUsd + (this.#inFlight + 1) * expected > this.budget.usd) return false;
    this.#inFlight++;
    return true;
  }

  /** An admitted attempt ended: its reservation becomes what it cost (nothing, if it never reached the function). */
  settle(attempt: Pick<Attempt, 'durationMs' | 'billedDurationMs' | 'memoryMB'> | undefined): void {
    this.#inFlight--;
    const usd = attempt ? this.#costOf(attempt) : 0;
    this.#ended++;
    this.#endedUsd += usd;
    this.spend(usd);
  }

  /** Why the phase stops admitting, for the records it ends aborted. */
  exceeded(): AbortedError {
    const { usd, spentUsd } = this.budget;
    return new AbortedError(
      `not run: the run's budget of $${usd} would be passed (spent $${spentUsd.toFixed(6)} so far, ` +
        `about $${this.#expectedUsd().toPrecision(3)} per attempt by the ${this.table.name} prices); raise budget.usd to run more`,
    );
  }

  #expectedUsd(): number {
    if (this.#ended > 0 && this.#endedUsd > 0) return this.#endedUsd / this.#ended;
    return this.table.perRequest + this.#computeUsd(this.table.incrementMs);
  }

  #costOf(attempt: Pick<Attempt, 'durationMs' | 'billedDurationMs' | 'memoryMB'>): number {
    const { billedDurationMs, durationMs } = attempt;
    const billed = billedDurationMs ?? (durationMs === undefined ? undefined : billedMs(durationMs, this.table));
    return billed === undefined ? 0 : this.table.perRequest + this.#computeUsd(billed, attempt.memoryMB ?? this.memoryMB);
  }

  #computeUsd(billed: number, memoryMB = this.memoryMB): number {
    const seconds = billed / 1000;
    const { perGbSecond, perVcpuSecond = 0 } = this.table;
    return seconds * (memoryMB / 1024) * perGbSecond + seconds * vcpusFor(memoryMB, this.table) * perVcpuSecond;
  }
}
