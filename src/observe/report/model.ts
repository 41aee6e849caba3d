import { concurrencyOf } from '../attempt-intervals.js';
import { concat } from '../columns.js';
import { LogHistogram } from '../log-histogram.js';
import { COLD_FLAG, RETRIED_FLAG, type PhaseColumns } from '../phase-columns.js';
import type { RunStats } from '../run-stats.js';
import type { RunSummary } from '../summary.js';
import { niceStep } from './svg.js';

export interface ReportOptions {
  /** The page's heading. @default "falco run <id>" */
  readonly title?: string;
  /**
   * The most invocations drawn on the timeline; larger runs show a systematic sample, every 2^k-th
   * invocation of each phase, and at most 4096 bars a phase (see `RowSample`).
   * @default 2000
   */
  readonly maxBars?: number;
  /** Time bins of the concurrency chart. @default 400 */
  readonly concurrencyBins?: number;
}

/** One invocation on the timeline. Times in ms since the run's first submit. */
export interface TimelineBar {
  readonly phase: number;
  readonly id: string;
  readonly submitted: number;
  /** Undefined where the platform did not say when the function started. */
  readonly started: number | undefined;
  readonly ended: number;
  readonly status: number;
  readonly cold: boolean;
  readonly retried: boolean;
}

/** Everything the page shows, computed from the collected columns: the page only draws it. */
export interface ReportModel {
  readonly title: string;
  readonly summary: RunSummary;
  /** The run's first submit, epoch ms: time zero of every chart. */
  readonly origin: number;
  readonly spanMs: number;
  readonly phases: readonly { readonly name: string; readonly startMs: number; readonly endMs: number }[];
  readonly timeline: {
    /** Phase names, indexed by `TimelineBar.phase`. */
    readonly phases: readonly string[];
    /** Invocations that reached the platform. */
    readonly total: number;
    /** Every `stride`-th of each phase's invocations, in the order they ended, is drawn; a power of two. */
    readonly stride: number;
    readonly bars: readonly TimelineBar[];
  };
  readonly concurrency: { readonly binMs: number; readonly max: readonly number[]; readonly peak: number };
  readonly histogram: {
    readonly fromMs: number;
    readonly binMs: number;
    readonly counts: readonly number[];
    /** Invocations slower than the last bin, drawn as one bar; `overflowFromMs` is where it starts. */
    readonly overflow: number;
    readonly overflowFromMs: number | undefined;
    readonly total: number;
  };
}

export function reportModel(stats: RunStats, options: ReportOptions = {}): ReportModel {
  const phases = stats.phases;
  const summary = stats.summary();
  const origin = summary.total.startedAt ?? 0;
  const spanMs = Math.max(1, (summary.total.endedAt ?? origin) - origin);
  return {
    title: options.title ?? `falco run ${summary.runIds.join(', ') || ''}`.trim(),
    summary,
    origin,
    spanMs,
    phases: phases
      .filter((p) => p.ran > 0)
      .map((p) => ({ name: p.info.phase, startMs: p.firstSubmittedAt - origin, endMs: p.lastEndedAt - origin })),
    timeline: timeline(phases, origin, options.maxBars ?? 2000),
    concurrency: concurrency(phases, origin, spanMs, summary.total.peakConcurrency, options.concurrencyBins ?? 400),
    histogram: histogram(phases, summary.total.latencyMs?.p99),
  };
}

function timeline(phases: readonly PhaseColumns[], origin: number, maxBars: number): ReportModel['timeline'] {
  const total = phases.reduce((sum, p) => sum + p.ran, 0);
  // A power of two, and at least each phase's sample stride, so that every row drawn was sampled.
  let stride = Math.max(1, ...phases.map((p) => p.rows.stride));
  while (total > stride * maxBars) stride *= 2;
  const bars: TimelineBar[] = [];
  phases.forEach((p, phase) => {
    for (let i = 0; i < p.rows.length; i += stride) {
      const row = p.rows.at(i)!;
      bars.push({
        phase,
        id: row.id,
        submitted: row.submittedAt - origin,
        started: Number.isNaN(row.startedAt) ? undefined : row.startedAt - origin,
        ended: row.endedAt - origin,
        status: row.flags & 3,
        cold: (row.flags & COLD_FLAG) !== 0,
        retried: (row.flags & RETRIED_FLAG) !== 0,
      });
    }
  });
  bars.sort((a, b) => a.submitted - b.submitted);
  return { phases: phases.map((p) => p.info.phase), total, stride, bars };
}

function concurrency(phases: readonly PhaseColumns[], origin: number, spanMs: number, peak: number, bins: number): ReportModel['concurrency'] {
  const count = phases.some((p) => p.attempts > 0) ? bins : 0;
  return { binMs: spanMs / bins, max: count ? concurrencyOf(phases.map((p) => p.intervals)).bins(origin, origin + spanMs, count) : [], peak };
}

const HISTOGRAM_BINS = 40;

/** Latency bins of a round width; a long tail past 3 × p99 goes into one overflow bar rather than squashing the rest. */
function histogram(phases: readonly PhaseColumns[], p99: number | undefined): ReportModel['histogram'] {
  const latency = latencies(phases);
  if (latency.total === 0 || p99 === undefined) return { fromMs: 0, binMs: 1, counts: [], overflow: 0, overflowFromMs: undefined, total: 0 };
  const { min, max } = latency;
  const tail = max > 3 * p99 && p99 > min;
  const hi = tail ? p99 : max;
  const binMs = niceStep((hi - min) / HISTOGRAM_BINS || 1);
  const fromMs = Math.floor(min / binMs) * binMs;
  const bins = Math.max(1, Math.ceil((hi - fromMs) / binMs + 1e-9));
  const counts = new Array<number>(bins).fill(0);
  let overflow = 0;
  latency.forEach((value, count) => {
    const bin = Math.floor((value - fromMs) / binMs);
    if (bin < bins) counts[bin]! += count;
    else if (tail) overflow += count;
    else counts[bins - 1]! += count;
  });
  return { fromMs, binMs, counts, overflow, overflowFromMs: tail ? fromMs + bins * binMs : undefined, total: latency.total };
}

/** The end-to-end latencies of every phase: each value where all are kept, else their histograms' buckets. */
function latencies(phases: readonly PhaseColumns[]): { min: number; max: number; total: number; forEach(f: (value: number, count: number) => void): void } {
  const exact = phases.map((p) => p.latencyMs.exact);
  if (exact.every((values): values is Float64Array => values !== undefined)) {
    const values = concat(exact).sort();
    return { min: values[0] ?? NaN, max: values[values.length - 1] ?? NaN, total: values.length, forEach: (f) => values.forEach((value) => f(value, 1)) };
  }
  const merged = new LogHistogram();
  for (const phase of phases) merged.merge(phase.latencyMs.sketch());
  return { min: merged.min, max: merged.max, total: merged.count, forEach: (f) => [...merged.buckets()].forEach(({ value, count }) => f(value, count)) };
}
