/**
 * Concurrency from attempt intervals [start, end): how many attempts were in flight at once.
 * Both arrays are sorted in place. An attempt that ends at the instant another starts does not
 * overlap it.
 */
export function peakConcurrency(starts: Float64Array, ends: Float64Array): number {
  starts.sort();
  ends.sort();
  let level = 0;
  let peak = 0;
  let j = 0;
  for (const start of starts) {
    while (j < ends.length && ends[j]! <= start) {
      level--;
      j++;
    }
    level++;
    if (level > peak) peak = level;
  }
  return peak;
}

/**
 * The highest concurrency within each of `bins` equal time bins over [from, to). Exact, not
 * sampled: every start and end is swept. `starts` and `ends` must be sorted ascending.
 */
export function concurrencyBins(starts: Float64Array, ends: Float64Array, from: number, to: number, bins: number): number[] {
  const width = (to - from) / bins;
  const max = new Array<number>(bins).fill(0);
  const binOf = (t: number): number => Math.min(bins - 1, Math.max(0, Math.floor((t - from) / width)));
  let level = 0;
  let i = 0;
  let j = 0;
  let bin = 0;
  while (i < starts.length || j < ends.length) {
    const t = j < ends.length && (i >= starts.length || ends[j]! <= starts[i]!) ? ends[j]! : starts[i]!;
    const target = binOf(t);
    // The level before this instant holds over every bin up to it.
    for (; bin < target; bin++) max[bin] = Math.max(max[bin]!, level);
    if (t > from + target * width) max[target] = Math.max(max[target]!, level);
    // Everything that happens at this instant, ends first, before the level counts.
    for (; j < ends.length && ends[j] === t; j++) level--;
    for (; i < starts.length && starts[i] === t; i++) level++;
    max[target] = Math.max(max[target]!, level);
  }
  return max;
}
