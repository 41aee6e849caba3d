/** One invocation as the report's timeline draws it; times on falco's clock. */
export interface SampledRow {
  readonly id: string;
  readonly submittedAt: number;
  /** NaN where the platform did not say when the function started. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Status code and the cold / retried flags (see `phase-columns.ts`). */
  readonly flags: number;
}

/**
 * Every `stride`-th row of a phase, for the report's timeline. The stride doubles whenever more
 * than `budget` rows are kept, so memory stays bounded however long the run; a timeline that
 * draws every 2^k-th row (2^k at least the stride) finds every row it draws here.
 */
export class RowSample {
  readonly #budget: number;
  #stride = 1;
  #rows = 0;
  /** `#kept[k]` is row `k × stride`. */
  #kept: SampledRow[] = [];

  constructor(budget = 4096) {
    this.#budget = budget;
  }

  /** Rows pushed, kept or not. */
  get length(): number {
    return this.#rows;
  }

  get stride(): number {
    return this.#stride;
  }

  /** Counts one more row; true when it is one to keep: build it then, and hand it to `keep`. */
  count(): boolean {
    return this.#rows++ % this.#stride === 0;
  }

  /** Keeps the row just counted. */
  keep(row: SampledRow): void {
    this.#kept.push(row);
    if (this.#kept.length > this.#budget) {
      this.#kept = this.#kept.filter((_, k) => k % 2 === 0);
      this.#stride *= 2;
    }
  }

  /** Row `row`, where it was kept. */
  at(row: number): SampledRow | undefined {
    return row % this.#stride === 0 ? this.#kept[row / this.#stride] : undefined;
  }
}
