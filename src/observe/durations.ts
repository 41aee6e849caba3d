import { concat, float64Column, type Column } from './columns.js';
import { distributionOf, type Distribution } from './distribution.js';
import { LogHistogram } from './log-histogram.js';

/** Values kept one by one, per phase; past this many, a histogram takes them (see `Durations`). */
export const EXACT_VALUES = 1 << 16;

/**
 * A phase's durations (end-to-end latencies, or the platform's own): every value while there are
 * at most EXACT_VALUES, so their statistics are exact; past that, a `LogHistogram` in fixed memory,
 * whose quantiles are within 1 % (count, mean, min and max stay exact).
 */
export class Durations {
  #exact: Column<Float64Array> | undefined = float64Column();
  #sketch: LogHistogram | undefined;

  get length(): number {
    return this.#exact ? this.#exact.length : this.#sketch!.count;
  }

  push(value: number): void {
    const exact = this.#exact;
    if (!exact) return this.#sketch!.add(value);
    exact.push(value);
    if (exact.length > EXACT_VALUES) {
      this.#sketch = new LogHistogram();
      this.#sketch.addAll(exact.view());
      this.#exact = undefined;
    }
  }

  /** Every value, where they are all kept; shares memory with the column, so copy before sorting. */
  get exact(): Float64Array | undefined {
    return this.#exact?.view();
  }

  /** The values in a histogram (made from them where they are all kept). */
  sketch(): LogHistogram {
    if (this.#sketch) return this.#sketch;
    const sketch = new LogHistogram();
    sketch.addAll(this.#exact!.view());
    return sketch;
  }
}

/** Order statistics of several phases' durations: exact where every value is kept, else from their histograms. */
export function distributionOfAll(parts: readonly Durations[]): Distribution | undefined {
  const exact = parts.map((p) => p.exact);
  if (exact.every((values): values is Float64Array => values !== undefined)) return distributionOf(concat(exact));
  const merged = new LogHistogram();
  for (const part of parts) merged.merge(part.sketch());
  if (merged.count === 0) return undefined;
  return {
    count: merged.count,
    min: merged.min,
    mean: merged.sum / merged.count,
    p50: merged.quantile(0.5),
    p90: merged.quantile(0.9),
    p99: merged.quantile(0.99),
    max: merged.max,
  };
}
