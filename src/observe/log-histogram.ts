/** The relative error of a value the histogram gives back: at most 1 % of the value (values under a microsecond count as zero). */
export const RELATIVE_ERROR = 0.01;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
/** Values below this (in ms: under a microsecond) count as zero. */
const SMALLEST = 1e-3;
const FIRST_INDEX = Math.ceil(Math.log(SMALLEST) / LOG_GAMMA);

/**
 * Durations in fixed memory, however many: counts in buckets whose width grows with the value
 * (each bucket spans a factor of 1.02), so any quantile comes back within 1 % of a value at its
 * rank, the way DDSketch does it. Count, sum, min and max stay exact. Buckets are added as values
 * reach them: a few thousand at most, for values from a microsecond to years.
 */
export class LogHistogram {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  #zeros = 0;
  #counts = new Float64Array(64);

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (!(value >= SMALLEST)) {
      this.#zeros++;
      return;
    }
    const index = Math.ceil(Math.log(value) / LOG_GAMMA) - FIRST_INDEX;
    if (index >= this.#counts.length) this.#grow(index + 1);
    this.#counts[index]!++;
  }

  addAll(values: Float64Array): void {
    for (const value of values) this.add(value);
  }

  merge(other: LogHistogram): void {
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    this.#zeros += other.#zeros;
    if (other.#counts.length > this.#counts.length) this.#grow(other.#counts.length);
    other.#counts.forEach((n, i) => (this.#counts[i]! += n));
  }

  /** The q-quantile (0..1), interpolated between the two nearest ranks as `quantile` does on exact values. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = (this.count - 1) * q;
    const low = Math.floor(rank);
    const lower = this.#valueAt(low);
    const upper = this.#valueAt(Math.min(low + 1, this.count - 1));
    return lower + (upper - lower) * (rank - low);
  }

  /** Each bucket's count at the value it stands for, ascending; for drawing a histogram. */
  *buckets(): Iterable<{ value: number; count: number }> {
    if (this.#zeros > 0) yield { value: Math.max(0, this.min), count: this.#zeros };
    for (let i = 0; i < this.#counts.length; i++) {
      const count = this.#counts[i]!;
      if (count > 0) yield { value: this.#clamp(representative(i)), count };
    }
  }

  /** The value of the `rank`-th smallest (0-based), within 1 %. */
  #valueAt(rank: number): number {
    if (rank === 0) return this.min;
    if (rank === this.count - 1) return this.max;
    let seen = this.#zeros;
    if (rank < seen) return Math.max(0, this.min);
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (rank < seen) return this.#clamp(representative(i));
    }
    return this.max;
  }

  #clamp(value: number): number {
    return Math.min(this.max, Math.max(this.min, value));
  }

  #grow(length: number): void {
    const grown = new Float64Array(Math.max(length, this.#counts.length * 2));
    grown.set(this.#counts);
    this.#counts = grown;
  }
}

/** The value within 1 % of every value of bucket `i`: (γ^(k-1), γ^k] stands for 2γ^k / (γ + 1). */
function representative(i: number): number {
  return (2 * Math.pow(GAMMA, i + FIRST_INDEX)) / (GAMMA + 1);
}
