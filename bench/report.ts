/** One line of the benchmark table: a figure, its baseline from the same run, and the target. */
export interface Row {
  readonly benchmark: string;
  readonly figure: string;
  readonly value: string;
  readonly baseline?: string;
  /** falco's figure against the baseline, in the direction the target states. */
  readonly ratio?: number;
  readonly target?: string;
  /** Whether the target was met; undefined where there is no target. */
  readonly met?: boolean;
}

export interface Benchmark {
  readonly name: string;
  /** It measures the process's RSS: `npm run bench` runs it in a node process of its own, so what earlier benchmarks left is not counted. */
  readonly ownProcess?: boolean;
  run(options: { quick: boolean }): Promise<Row[]>;
}

export function printTable(rows: readonly Row[]): void {
  const header = ['benchmark', 'figure', 'falco', 'baseline', 'ratio', 'target', 'met'];
  const lines = rows.map((r) => [
    r.benchmark,
    r.figure,
    r.value,
    r.baseline ?? '',
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
}

export const ms = (value: number): string => `${value.toFixed(0)} ms`;
export const perSecond = (count: number, elapsedMs: number): string => `${Math.round((count / elapsedMs) * 1000).toLocaleString('en')}/s`;

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** Runs a full collection if the process was started with --expose-gc, so heap figures mean something. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * The best of three timed runs of each, after one warm-up run of each, alternated so drift on a
 * shared machine hits both alike.
 */
export async function bestOfAlternated(baseline: () => Promise<unknown>, falco: () => Promise<unknown>): Promise<{ baseline: number; falco: number }> {
  await baseline();
  await falco();
  let best = { baseline: Infinity, falco: Infinity };
  for (let round = 0; round < 3; round++) {
    const base = (await timed(baseline)).ms;
    const mine = (await timed(falco)).ms;
    best = { baseline: Math.min(best.baseline, base), falco: Math.min(best.falco, mine) };
  }
  return best;
}
