import type { ErrorClass } from '../errors.js';
import { concurrencyOf } from './attempt-intervals.js';
import type { Distribution } from './distribution.js';
import { distributionOfAll } from './durations.js';
import { FAILURES_LISTED, type Failures } from './failures.js';
import type { PhaseColumns } from './phase-columns.js';
import { vcpusFor } from './pricing.js';
import type { RunOutcome } from './run-outcome.js';

/** What the attempts of a phase or run would cost, by the price tables named. */
export interface CostEstimate {
  readonly currency: string;
  readonly total: number;
  /** Memory (and, where billed apart, CPU) over the billed durations. */
  readonly compute: number;
  readonly requests: number;
  /** Attempts that reached the function and were priced. */
  readonly requestCount: number;
  readonly gbSeconds: number;
  readonly vcpuSeconds: number;
  readonly billedMs: number;
  /** Attempts priced from the billed duration the platform reported. */
  readonly fromBilledDuration: number;
  /** Attempts priced from their duration, rounded up by the platform's rule. */
  readonly fromRoundedDuration: number;
  /** Attempts that reported no duration (throttled, cut off), not priced. */
  readonly unpriced: number;
  /** The price tables used. */
  readonly tables: readonly string[];
}

/** The figures of a phase or a whole run. Times in ms on falco's clock (epoch milliseconds). */
export interface Stats {
  readonly invocations: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly aborted: number;
  /** Invocations whose final records came from the run's journal, not from running (counted in the statuses above). */
  readonly restored: number;
  /** Final error classes of the invocations that did not succeed. */
  readonly errors: Partial<Record<ErrorClass, number>>;
  /** The first failed invocations (id, error class, message) and how many more failed. */
  readonly failures: Failures;
  readonly attempts: number;
  /** Attempts beyond each invocation's first, speculative copies aside. */
  readonly retries: number;
  /** Copies of slow attempts launched by straggler mitigation. */
  readonly speculative: number;
  readonly retriedInvocations: number;
  /** Attempts the platform flagged as cold starts. */
  readonly coldStarts: number;
  /**
   * End to end per invocation: first submit to final answer, retries and backoff included. Exact
   * up to 65,536 invocations a phase; past that, its quantiles are within 1 % (count, mean, min, max stay exact).
   */
  readonly latencyMs: Distribution | undefined;
  /** The platform's own duration, per attempt that reported one; exact, or within 1 %, as `latencyMs`. */
  readonly platformDurationMs: Distribution | undefined;
  readonly startedAt: number | undefined;
  readonly endedAt: number | undefined;
  /** First submit to last answer. */
  readonly makespanMs: number;
  /** Invocations that succeeded or failed in this run (restored ones aside), per second of makespan. */
  readonly throughputPerSecond: number;
  /**
   * The most attempts in flight at once (submit to answer). Exact up to 65,536 attempts a phase;
   * past that, the most at instants a few milliseconds apart (spaced to fit the run in 65,536 instants).
   */
  readonly peakConcurrency: number;
  readonly cost: CostEstimate | undefined;
}

export interface PhaseSummary extends Stats {
  readonly phase: string;
  readonly platform?: string;
  readonly deployment?: string;
  readonly memoryMB?: number;
}

export interface RunSummary {
  /** The run ids the records carry (one, unless records of several runs were mixed). */
  readonly runIds: readonly string[];
  readonly phases: readonly PhaseSummary[];
  readonly total: Stats;
  /** How the run went, where the run itself was watched (not when summarised from records alone). */
  readonly outcome?: RunOutcome;
}

export function summarize(phases: readonly PhaseColumns[], runIds: readonly string[], outcome?: RunOutcome): RunSummary {
  return {
    runIds,
    phases: phases.map((phase) => ({
      phase: phase.info.phase,
      ...(phase.info.platform === undefined ? {} : { platform: phase.info.platform }),
      ...(phase.info.deployment === undefined ? {} : { deployment: phase.info.deployment }),
      ...(phase.info.memoryMB === undefined ? {} : { memoryMB: phase.info.memoryMB }),
      ...statsOf([phase]),
    })),
    total: statsOf(phases),
    ...(outcome ? { outcome } : {}),
  };
}

function statsOf(parts: readonly PhaseColumns[]): Stats {
  const succeeded = sum(parts, (p) => p.counts.succeeded);
  const failed = sum(parts, (p) => p.counts.failed);
  const attempts = sum(parts, (p) => p.attempts);
  const speculative = sum(parts, (p) => p.speculative);
  const restored = sum(parts, (p) => p.restored);
  const ran = sum(parts, (p) => p.ran);
  const startedAt = Math.min(...parts.map((p) => p.firstSubmittedAt));
  const endedAt = Math.max(...parts.map((p) => p.lastEndedAt));
  const makespanMs = ran > 0 ? endedAt - startedAt : 0;
  return {
    invocations: sum(parts, (p) => p.invocations),
    succeeded,
    failed,
    aborted: sum(parts, (p) => p.counts.aborted),
    restored,
    errors: mergeCounts(parts.map((p) => p.errors)),
    failures: failuresOf(parts, failed),
    attempts,
    retries: attempts - ran - speculative,
    speculative,
    retriedInvocations: sum(parts, (p) => p.retriedInvocations),
    coldStarts: sum(parts, (p) => p.coldStarts),
    latencyMs: distributionOfAll(parts.map((p) => p.latencyMs)),
    platformDurationMs: distributionOfAll(parts.map((p) => p.platformDurationMs)),
    startedAt: ran > 0 ? startedAt : undefined,
    endedAt: ran > 0 ? endedAt : undefined,
    makespanMs,
    throughputPerSecond: makespanMs > 0 ? (succeeded + failed - restored) / (makespanMs / 1000) : 0,
    peakConcurrency: concurrencyOf(parts.map((p) => p.intervals)).peak(),
    cost: costOf(parts),
  };
}

function failuresOf(parts: readonly PhaseColumns[], failed: number): Failures {
  const listed = parts.flatMap((p) => p.failures).slice(0, FAILURES_LISTED);
  return { listed, unlisted: failed - listed.length };
}

function costOf(parts: readonly PhaseColumns[]): CostEstimate | undefined {
  const priced = parts.filter((p) => p.table && p.info.memoryMB !== undefined);
  if (priced.length === 0) return undefined;
  let compute = 0;
  let requests = 0;
  let requestCount = 0;
  let gbSeconds = 0;
  let vcpuSeconds = 0;
  let billedMs = 0;
  for (const phase of priced) {
    const table = phase.table!;
    const seconds = phase.billing.billedMs / 1000;
    const gbs = (seconds * phase.info.memoryMB!) / 1024;
    const cpus = seconds * vcpusFor(phase.info.memoryMB!, table);
    const count = phase.billing.reported + phase.billing.rounded;
    compute += gbs * table.perGbSecond + cpus * (table.perVcpuSecond ?? 0);
    requests += count * table.perRequest;
    requestCount += count;
    gbSeconds += gbs;
    vcpuSeconds += cpus;
    billedMs += phase.billing.billedMs;
  }
  const tables = [...new Set(priced.map((p) => p.table!.name))];
  return {
    currency: [...new Set(priced.map((p) => p.table!.currency))].join('+'),
    total: compute + requests,
    compute,
    requests,
    requestCount,
    gbSeconds,
    vcpuSeconds,
    billedMs,
    fromBilledDuration: sum(priced, (p) => p.billing.reported),
    fromRoundedDuration: sum(priced, (p) => p.billing.rounded),
    // Attempts of phases without a table count as unpriced too: the total leaves them out.
    unpriced: sum(parts, (p) => (priced.includes(p) ? p.billing.unpriced : p.attempts)),
    tables,
  };
}

function sum(parts: readonly PhaseColumns[], f: (p: PhaseColumns) => number): number {
  return parts.reduce((n, p) => n + f(p), 0);
}

function mergeCounts(all: readonly Partial<Record<ErrorClass, number>>[]): Partial<Record<ErrorClass, number>> {
  const out: Partial<Record<ErrorClass, number>> = {};
  for (const counts of all) {
    for (const [key, n] of Object.entries(counts) as [ErrorClass, number][]) out[key] = (out[key] ?? 0) + n;
  }
  return out;
}
