import { concat, float64Column, type Column } from './columns.js';
import { concurrencyBins, peakConcurrency } from './concurrency.js';
import { EXACT_VALUES } from './durations.js';
import { SampledConcurrency } from './sampled-concurrency.js';

/**
 * When each attempt of a phase was in flight, for its concurrency: every [submit, end) interval
 * while there are at most EXACT_VALUES, so the peak is exact; past that, a `SampledConcurrency` in
 * fixed memory, exact at instants a few milliseconds apart.
 */
export class AttemptIntervals {
  #exact: { readonly starts: Column<Float64Array>; readonly ends: Column<Float64Array> } | undefined = { starts: float64Column(), ends: float64Column() };
  #sampled: SampledConcurrency | undefined;

  push(start: number, end: number): void {
    const exact = this.#exact;
    if (!exact) return this.#sampled!.add(start, end);
    exact.starts.push(start);
    exact.ends.push(end);
    if (exact.starts.length > EXACT_VALUES) {
      this.#sampled = this.#sample();
      this.#exact = undefined;
    }
  }

  get sampled(): boolean {
    return this.#sampled !== undefined;
  }

  /** The intervals as a sampled track: the one kept, or one made from every interval, at `widthMs` (or spaced to fit). */
  sample(widthMs?: number): SampledConcurrency {
    return this.#sampled ?? this.#sample(widthMs);
  }

  /** Every interval's start and end, where all are kept. */
  get exact(): { starts: Float64Array; ends: Float64Array } | undefined {
    return this.#exact && { starts: this.#exact.starts.view(), ends: this.#exact.ends.view() };
  }

  #sample(widthMs?: number): SampledConcurrency {
    const { starts, ends } = this.exact!;
    let first = Infinity;
    let last = -Infinity;
    for (let i = 0; i < starts.length; i++) {
      first = Math.min(first, starts[i]!);
      last = Math.max(last, ends[i]!);
    }
    const track = widthMs === undefined ? SampledConcurrency.forSpan(last - first) : new SampledConcurrency(widthMs);
    for (let i = 0; i < starts.length; i++) track.add(starts[i]!, ends[i]!);
    return track;
  }
}

/** The concurrency of several phases' attempts: exact where every interval is kept, else sampled. */
export function concurrencyOf(parts: readonly AttemptIntervals[]): { peak(): number; bins(from: number, to: number, bins: number): number[] } {
  const exact = parts.map((p) => p.exact);
  if (exact.every((e): e is { starts: Float64Array; ends: Float64Array } => e !== undefined)) {
    const starts = () => concat(exact.map((e) => e.starts)).sort();
    const ends = () => concat(exact.map((e) => e.ends)).sort();
    return { peak: () => peakConcurrency(starts(), ends()), bins: (from, to, bins) => concurrencyBins(starts(), ends(), from, to, bins) };
  }
  const width = Math.max(...parts.filter((p) => p.sampled).map((p) => p.sample().widthMs));
  const merged = new SampledConcurrency(width);
  for (const part of parts) merged.merge(part.sample(width));
  return merged;
}
