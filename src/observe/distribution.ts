/** Order statistics of a set of durations, in milliseconds. */
export interface Distribution {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The q-quantile (0..1) of ascending values, interpolating linearly between the two nearest
 * ranks (numpy's default, R's type 7), so small samples give the figures analysts expect.
 */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const lower = sorted[low]!;
  const upper = sorted[Math.min(low + 1, sorted.length - 1)]!;
  return lower + (upper - lower) * (rank - low);
}

/** Sorts `values` in place (a typed-array sort: numeric, no comparator) and describes them. */
export function distributionOf(values: Float64Array): Distribution | undefined {
  if (values.length === 0) return undefined;
  values.sort();
  let sum = 0;
  for (const value of values) sum += value;
  return {
    count: values.length,
    min: values[0]!,
    mean: sum / values.length,
    p50: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    p99: quantile(values, 0.99),
    max: values[values.length - 1]!,
  };
}
