import { formatCount, formatMoney, formatMs, formatRate, textTable } from './format.js';
import type { Failures } from './failures.js';
import type { RunOutcome } from './run-outcome.js';
import type { RunSummary, Stats } from './summary.js';

/** A column of the summary table: the same figures in the terminal and in the HTML report. */
export interface SummaryColumn {
  readonly key: string;
  readonly label: string;
  readonly numeric: boolean;
  readonly value: (stats: Stats) => string;
}

export const SUMMARY_COLUMNS: readonly SummaryColumn[] = [
  { key: 'invocations', label: 'invocations', numeric: true, value: (s) => formatCount(s.invocations) },
  { key: 'succeeded', label: 'succeeded', numeric: true, value: (s) => formatCount(s.succeeded) },
  { key: 'failed', label: 'failed', numeric: true, value: (s) => formatCount(s.failed) },
  { key: 'aborted', label: 'aborted', numeric: true, value: (s) => formatCount(s.aborted) },
  { key: 'retries', label: 'retries', numeric: true, value: (s) => formatCount(s.retries) },
  { key: 'coldStarts', label: 'cold', numeric: true, value: (s) => formatCount(s.coldStarts) },
  { key: 'p50', label: 'p50', numeric: true, value: (s) => formatMs(s.latencyMs?.p50) },
  { key: 'p90', label: 'p90', numeric: true, value: (s) => formatMs(s.latencyMs?.p90) },
  { key: 'p99', label: 'p99', numeric: true, value: (s) => formatMs(s.latencyMs?.p99) },
  { key: 'max', label: 'max', numeric: true, value: (s) => formatMs(s.latencyMs?.max) },
  { key: 'platformP50', label: 'fn p50', numeric: true, value: (s) => formatMs(s.platformDurationMs?.p50) },
  { key: 'platformP99', label: 'fn p99', numeric: true, value: (s) => formatMs(s.platformDurationMs?.p99) },
  { key: 'throughput', label: 'throughput', numeric: true, value: (s) => formatRate(s.throughputPerSecond) },
  { key: 'makespan', label: 'makespan', numeric: true, value: (s) => formatMs(s.makespanMs) },
  { key: 'peakConcurrency', label: 'peak', numeric: true, value: (s) => formatCount(s.peakConcurrency) },
  { key: 'cost', label: 'cost', numeric: true, value: (s) => formatMoney(s.cost?.total, s.cost?.currency) },
];

/** What each column means, printed under the table and in the report. */
export const SUMMARY_NOTES = [
  'p50…max: end-to-end latency per invocation, first submit to final answer (retries and backoff included).',
  'fn p50/p99: the duration the platform reported, per attempt that reported one.',
  'throughput: invocations that succeeded or failed, per second of makespan (first submit to last answer).',
  'peak: the most attempts in flight at once. cold: attempts the platform flagged as cold starts.',
];

/** The summary as a plain-text table with a line on cost and errors, for a terminal. */
export function formatSummary(summary: RunSummary): string {
  const rows = [
    ['phase', ...SUMMARY_COLUMNS.map((c) => c.label)],
    ...summary.phases.map((p) => [p.phase, ...SUMMARY_COLUMNS.map((c) => c.value(p))]),
  ];
  if (summary.phases.length !== 1) rows.push(['total', ...SUMMARY_COLUMNS.map((c) => c.value(summary.total))]);
  const lines = [
    `run ${summary.runIds.join(', ') || '(unnamed)'}: ${summary.phases.length} phase${summary.phases.length === 1 ? '' : 's'}`,
    ...(summary.outcome?.status === 'failed' ? [runFailure(summary.outcome)] : []),
    ...(summary.outcome?.budgetExceeded ? [budgetLine(summary.outcome.budgetExceeded, summary.total.aborted)] : []),
    '',
    textTable(rows, [false, ...SUMMARY_COLUMNS.map((c) => c.numeric)]),
    '',
    ...SUMMARY_NOTES,
    costLine(summary.total),
  ];
  if (summary.total.restored > 0) lines.push(`restored from the journal, not run again: ${formatCount(summary.total.restored)} (counted above)`);
  if (summary.total.speculative > 0) lines.push(`speculative copies of slow attempts: ${formatCount(summary.total.speculative)} (not counted as retries)`);
  const errors = Object.entries(summary.total.errors);
  if (errors.length > 0) lines.push(`errors by class: ${errors.map(([name, n]) => `${name} ${formatCount(n)}`).join(', ')}`);
  if (summary.total.failures.listed.length > 0) lines.push(failuresTable(summary.total.failures));
  return lines.join('\n');
}

/** "stopped by its budget ...": the run did not do all it was asked to, and why. */
function budgetLine(exceeded: NonNullable<RunOutcome['budgetExceeded']>, aborted: number): string {
  return `stopped by its budget of $${exceeded.usd} in phase "${exceeded.phase}": ${formatCount(aborted)} invocations aborted, not run (${exceeded.reason.replace(/^not run: /, '')})`;
}

/** "the run failed: why; never started: which phases", in one line. */
export function runFailure(outcome: RunOutcome): string {
  const notStarted = outcome.notStarted.length > 0 ? `; never started: ${outcome.notStarted.join(', ')}` : '';
  return `the run failed: ${outcome.error ?? 'no reason given'}${notStarted}`;
}

/** The failed invocations a summary lists, one line each (first line of the message, clipped), and how many more. */
function failuresTable(failures: Failures): string {
  const { listed, unlisted } = failures;
  const total = listed.length + unlisted;
  const rows = listed.map((f) => [`  ${f.phase}`, f.id, f.errorClass, oneLine(f.message)]);
  return [
    `failed invocations${unlisted > 0 ? ` (the first ${listed.length} of ${formatCount(total)})` : ''}:`,
    textTable(rows, [false, false, false, false]),
    ...(unlisted > 0 ? [`  … and ${formatCount(unlisted)} more`] : []),
  ].join('\n');
}

const MESSAGE_CHARS = 160;

/** An error message's first line, clipped to fit a terminal line. */
export function oneLine(message: string): string {
  const first = message.split('\n', 1)[0]!.trim();
  return first.length > MESSAGE_CHARS || first !== message.trim() ? `${first.slice(0, MESSAGE_CHARS)}…` : first;
}

export function costLine(stats: Stats): string {
  const cost = stats.cost;
  if (!cost) return 'cost: not estimated (no price table for this platform; choose one with pricing.as / --pricing)';
  const parts = [
    `${formatMoney(cost.compute, cost.currency)} compute (${cost.gbSeconds.toPrecision(4)} GB-s${cost.vcpuSeconds > 0 ? `, ${cost.vcpuSeconds.toPrecision(4)} vCPU-s` : ''})`,
    `${formatMoney(cost.requests, cost.currency)} for ${formatCount(cost.requestCount)} requests`,
  ];
  const basis = `${formatCount(cost.fromBilledDuration)} billed as reported, ${formatCount(cost.fromRoundedDuration)} from duration rounded up`;
  const unpriced = cost.unpriced > 0 ? `; ${formatCount(cost.unpriced)} attempts reported no duration and are not priced` : '';
  return `cost: ${formatMoney(cost.total, cost.currency)} = ${parts.join(' + ')}; ${basis}${unpriced}; prices: ${cost.tables.join(', ')}, free tiers ignored`;
}
