import { concat } from '../columns.js';
import { concurrencyBins } from '../concurrency.js';
import { COLD_FLAG, RETRIED_FLAG, type PhaseColumns } from '../phase-columns.js';
import type { RunStats } from '../run-stats.js';
import { latencies, type RunSummary } from '../summary.js';
import { niceStep } from './svg.js';

export interface ReportOptions {
  /** The page's heading. @default "falco run <id>" */
  readonly title?: string;
  /**
   * The most invocations drawn on the timeline; larger runs show a systematic sample, every 2^k-th
   * invocation of each phase. Tooltips name the invocation up to 4096 bars a phase.
   * @default 2000
   */
  readonly maxBars?: number;
  /** Time bins of the concurrency chart. @default 400 */
  readonly concurrencyBins?: number;
}

/** One invocation on the timeline. Times in ms since the run's first submit. */
export interface TimelineBar {
  readonly phase: number;
  /** The invocation's id; undefined past the ids a phase keeps (see `IdSample`). */
  readonly id: string | undefined;
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
      .filter((p) => p.submittedAt.length > 0)
      .map((p) => ({ name: p.info.phase, startMs: p.firstSubmittedAt - origin, endMs: p.lastEndedAt - origin })),
    timeline: timeline(phases, origin, options.maxBars ?? 2000),
    concurrency: concurrency(phases, origin, spanMs, summary.total.peakConcurrency, options.concurrencyBins ?? 400),
    histogram: histogram(latencies(phases), summary.total.latencyMs?.p99),
  };
}

function timeline(phases: readonly PhaseColumns[], origin: number, maxBars: number): ReportModel['timeline'] {
  const total = phases.reduce((sum, p) => sum + p.submittedAt.length, 0);
  // A power of two, so that each phase's id sample holds the id of every row drawn.
  let stride = 1;
  while (total > stride * maxBars) stride *= 2;
  const bars: TimelineBar[] = [];
  phases.forEach((p, phase) => {
    for (let i = 0; i < p.submittedAt.length; i += stride) {
      const started = p.startedAt.at(i);
      const flags = p.flags.at(i);
      bars.push({
        phase,
        id: p.ids.at(i),
        submitted: p.submittedAt.at(i) - origin,
        started: Number.isNaN(started) ? undefined : started - origin,
        ended: p.endedAt.at(i) - origin,
        status: flags & 3,
        cold: (flags & COLD_FLAG) !== 0,
        retried: (flags & RETRIED_FLAG) !== 0,
      });
    }
  });
  bars.sort((a, b) => a.submitted - b.submitted);
  return { phases: phases.map((p) => p.info.phase), total, stride, bars };
}

function concurrency(phases: readonly PhaseColumns[], origin: number, spanMs: number, peak: number, bins: number): ReportModel['concurrency'] {
  const starts = concat(phases.map((p) => p.attemptSubmittedAt.view())).sort();
  const ends = concat(phases.map((p) => p.attemptEndedAt.view())).sort();
  const count = starts.length === 0 ? 0 : bins;
  return { binMs: spanMs / bins, max: count ? concurrencyBins(starts, ends, origin, origin + spanMs, count) : [], peak };
}

const HISTOGRAM_BINS = 40;

/** Latency bins of a round width; a long tail past 3 × p99 goes into one overflow bar rather than squashing the rest. */
function histogram(values: Float64Array, p99: number | undefined): ReportModel['histogram'] {
  if (values.length === 0 || p99 === undefined) return { fromMs: 0, binMs: 1, counts: [], overflow: 0, overflowFromMs: undefined, total: 0 };
  values.sort();
  const min = values[0]!;
  const max = values[values.length - 1]!;
  const tail = max > 3 * p99 && p99 > min;
  const hi = tail ? p99 : max;
  const binMs = niceStep((hi - min) / HISTOGRAM_BINS || 1);
  const fromMs = Math.floor(min / binMs) * binMs;
  const bins = Math.max(1, Math.ceil((hi - fromMs) / binMs + 1e-9));
  const counts = new Array<number>(bins).fill(0);
  let overflow = 0;
  for (const value of values) {
    const bin = Math.floor((value - fromMs) / binMs);
    if (bin < bins) counts[bin]!++;
    else if (tail) overflow++;
    else counts[bins - 1]!++;
  }
  return { fromMs, binMs, counts, overflow, overflowFromMs: tail ? fromMs + bins * binMs : undefined, total: values.length };
}
