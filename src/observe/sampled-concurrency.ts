/** The most sampled instants kept: 256 KiB of counts. */
const INSTANTS = 1 << 16;

/**
 * How many attempts were in flight at evenly spaced instants (every `width` ms, at whole multiples
 * of it on falco's clock), in fixed memory however many attempts: each attempt adds one to the
 * instants it spans. When the run outgrows the instants kept, the spacing doubles (every other
 * instant is kept), so the figures are exact at the instants they sample, and the peak among them
 * is a lower bound of the true peak that misses only what rose and fell between two instants.
 */
export class SampledConcurrency {
  /** Milliseconds between instants: a power of two, so any two tracks sample a common set of instants. */
  #width: number;
  /** Instant `#first + i` is at `(#first + i) × #width`; `#changes[i]` is the level's change there. */
  #first = 0;
  #changes: Int32Array | undefined;

  constructor(widthMs: number) {
    this.#width = 2 ** Math.ceil(Math.log2(widthMs));
  }

  /** Spacing for a run that has spanned `spanMs` so far, with room to grow. */
  static forSpan(spanMs: number): SampledConcurrency {
    return new SampledConcurrency(Math.max(2 ** -10, spanMs / (INSTANTS / 4)));
  }

  get widthMs(): number {
    return this.#width;
  }

  /** An attempt in flight over [start, end): it counts at the instants t with start ≤ t < end. */
  add(start: number, end: number): void {
    for (;;) {
      const from = Math.ceil(start / this.#width);
      const to = Math.ceil(end / this.#width);
      if (from >= to) return; // between two instants: seen at none
      if (this.#room(from, to)) {
        this.#changes![from - this.#first]!++;
        this.#changes![to - this.#first]!--;
        return;
      }
    }
  }

  /** Adds every attempt of another track; both are brought to the coarser spacing. */
  merge(other: SampledConcurrency): void {
    if (!other.#changes) return;
    for (;;) {
      const theirs = other.#coarsened(Math.max(this.#width, other.#width));
      while (this.#width < theirs.width) this.#coarsen();
      if (this.#room(theirs.first, theirs.first + theirs.changes.length - 1)) {
        theirs.changes.forEach((change, i) => (this.#changes![theirs.first + i - this.#first]! += change));
        return;
      }
    }
  }

  /** The highest level at any sampled instant. */
  peak(): number {
    let level = 0;
    let peak = 0;
    for (const change of this.#changes ?? []) {
      level += change;
      if (level > peak) peak = level;
    }
    return peak;
  }

  /** The highest sampled level within each of `bins` equal time bins over [from, to). */
  bins(from: number, to: number, bins: number): number[] {
    const max = new Array<number>(bins).fill(0);
    const width = (to - from) / bins;
    let level = 0;
    (this.#changes ?? []).forEach((change, i) => {
      level += change;
      const at = (this.#first + i) * this.#width;
      if (at < from || at >= to) return;
      const bin = Math.min(bins - 1, Math.floor((at - from) / width));
      if (level > max[bin]!) max[bin] = level;
    });
    return max;
  }

  /** Makes instants `from` to `to` fit, growing the counts (up to INSTANTS) or doubling the spacing; false when the spacing changed. */
  #room(from: number, to: number): boolean {
    const changes = this.#changes;
    if (!changes) {
      if (to - from + 1 > INSTANTS) {
        this.#coarsen();
        return false;
      }
      this.#first = from;
      this.#changes = new Int32Array(Math.max(1024, 2 ** Math.ceil(Math.log2(to - from + 1))));
      return true;
    }
    if (from >= this.#first && to < this.#first + changes.length) return true;
    const lo = Math.min(from, this.#first);
    const hi = Math.max(to, this.#first + changes.length - 1);
    if (hi - lo + 1 > INSTANTS) {
      this.#coarsen();
      return false;
    }
    const length = Math.min(INSTANTS, Math.max(hi - lo + 1, changes.length * 2));
    // The spare room goes after the instants kept, or before them when an attempt began before the first.
    const first = from < this.#first ? hi - length + 1 : lo;
    const grown = new Int32Array(length);
    grown.set(changes, this.#first - first);
    this.#first = first;
    this.#changes = grown;
    return true;
  }

  /** Every other instant: the change at instant K of the new spacing is the old changes at 2K - 1 and 2K. */
  #coarsen(): void {
    const coarse = this.#coarsened(this.#width * 2);
    this.#width = coarse.width;
    this.#first = coarse.first;
    this.#changes = this.#changes && coarse.changes;
  }

  #coarsened(width: number): { width: number; first: number; changes: Int32Array } {
    let first = this.#first;
    let changes = this.#changes ?? new Int32Array(0);
    for (let w = this.#width; w < width; w *= 2) {
      const coarseFirst = Math.ceil(first / 2);
      const coarse = new Int32Array(Math.max(1, Math.ceil((first + changes.length - 1) / 2) - coarseFirst + 1));
      changes.forEach((change, i) => (coarse[Math.ceil((first + i) / 2) - coarseFirst]! += change));
      first = coarseFirst;
      changes = coarse;
    }
    return { width, first, changes };
  }
}
