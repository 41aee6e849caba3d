import type { Failures } from '../failures.js';
import { costLine, SUMMARY_COLUMNS, SUMMARY_NOTES } from '../format-summary.js';
import { formatCount, formatMs } from '../format.js';
import type { RunOutcome } from '../run-outcome.js';
import type { Stats } from '../summary.js';
import { concurrencySvg } from './concurrency-chart.js';
import { histogramSvg } from './histogram.js';
import type { ReportModel } from './model.js';
import { REPORT_CSS } from './style.js';
import { escapeXml } from './svg.js';
import { timelineNote, timelineSvg } from './timeline.js';

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched, so
 * it opens anywhere, offline, and can be mailed or archived with the records it came from.
 */
export function renderReport(model: ReportModel, generatedAt: Date = new Date()): string {
  const { summary } = model;
  const platforms = [...new Set(summary.phases.map((p) => p.platform).filter((p) => p !== undefined))];
  const facts = [
    `${formatCount(summary.total.invocations)} invocations in ${summary.phases.length} phase${summary.phases.length === 1 ? '' : 's'}`,
    platforms.length > 0 ? `platform ${platforms.join(', ')}` : '',
    `makespan ${formatMs(summary.total.makespanMs)}`,
    `started ${summary.total.startedAt === undefined ? '–' : new Date(summary.total.startedAt).toISOString()}`,
  ].filter(Boolean);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="falco">
<title>${escapeXml(model.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${escapeXml(model.title)}</h1>
<p class="facts">${facts.map(escapeXml).join(' · ')}</p>
<p class="generated">Report generated ${escapeXml(generatedAt.toISOString())}. Times are on falco's monotonic clock, in milliseconds since the epoch.</p>
${outcomeBanner(summary.outcome)}
</header>
<main>
<section id="summary-section">
<h2>Summary</h2>
${summaryTable(model)}
<ul class="notes">${SUMMARY_NOTES.map((note) => `<li>${escapeXml(note)}</li>`).join('')}</ul>
<p class="cost" id="cost">${escapeXml(costLine(summary.total))}</p>
${errorsList(summary.total)}
</section>
${failuresSection(summary.total.failures)}
<section id="timeline-section">
<h2>Timeline</h2>
<p class="note" id="timeline-note">${escapeXml(timelineNote(model))}</p>
${legend()}
${timelineSvg(model)}
</section>
<section id="concurrency-section">
<h2>Concurrency over time</h2>
<p class="note">Attempts in flight (handed to the platform, answer not yet back), the highest count within each bin; computed from every attempt.</p>
${concurrencySvg(model)}
</section>
<section id="histogram-section">
<h2>Latency</h2>
<p class="note">End-to-end latency of every invocation that reached the platform (${formatCount(model.histogram.total)}).${model.histogram.overflow > 0 ? ` The ${formatCount(model.histogram.overflow)} slowest, past three times the p99, share the last bar.` : ''}</p>
${histogramSvg(model)}
</section>
</main>
</body>
</html>
`;
}

function summaryTable(model: ReportModel): string {
  const row = (name: string, stats: Stats, cls: string): string =>
    `<tr class="${cls}" data-phase="${escapeXml(name)}"><th scope="row">${escapeXml(name)}</th>${SUMMARY_COLUMNS.map(
      (c) => `<td data-key="${c.key}">${escapeXml(c.value(stats))}</td>`,
    ).join('')}</tr>`;
  const rows = model.summary.phases.map((p) => row(p.phase, p, 'phase'));
  rows.push(row('total', model.summary.total, 'total'));
  return `<table id="summary"><thead><tr><th scope="col">phase</th>${SUMMARY_COLUMNS.map((c) => `<th scope="col">${escapeXml(c.label)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function errorsList(stats: Stats): string {
  const errors = Object.entries(stats.errors);
  if (errors.length === 0) return '';
  return `<p class="errors">Final errors by class: ${errors.map(([name, count]) => `${escapeXml(name)} ${formatCount(count)}`).join(', ')}</p>`;
}

/** Said first and plainly: the run failed, why, and which phases never started; the charts show only what ran. */
function outcomeBanner(outcome: RunOutcome | undefined): string {
  if (outcome?.status !== 'failed') return '';
  const notStarted =
    outcome.notStarted.length > 0
      ? ` Never started: ${outcome.notStarted.map(escapeXml).join(', ')} (${outcome.notStarted.length} of the plan's ${outcome.phases.length} phases); the charts show only the phases that ran.`
      : '';
  return `<p class="run-failed" id="run-failed" role="alert"><strong>The run failed:</strong> ${escapeXml(outcome.error ?? 'no reason given')}.${notStarted}</p>`;
}

/** The first failed invocations by id, class and message, and how many more failed. */
function failuresSection(failures: Failures): string {
  const { listed, unlisted } = failures;
  if (listed.length === 0) return '';
  const rows = listed.map(
    (f) =>
      `<tr data-id="${escapeXml(f.id)}"><td>${escapeXml(f.phase)}</td><td>${escapeXml(f.id)}</td><td>${escapeXml(f.errorClass)}</td><td class="message">${escapeXml(clip(f.message))}</td></tr>`,
  );
  const more = unlisted > 0 ? `<p class="note" id="failures-more">… and ${formatCount(unlisted)} more failed invocations (every record is in the records file).</p>` : '';
  return `<section id="failures-section">
<h2>Failed invocations</h2>
<table id="failures"><thead><tr><th scope="col">phase</th><th scope="col">id</th><th scope="col">class</th><th scope="col">message</th></tr></thead><tbody>${rows.join('')}</tbody></table>
${more}
</section>`;
}

const MESSAGE_CHARS = 1000;

function clip(message: string): string {
  return message.length > MESSAGE_CHARS ? `${message.slice(0, MESSAGE_CHARS)}…` : message;
}

function legend(): string {
  const items: [string, string][] = [
    ['wait', 'submitted → function started (transit, queueing, cold-start init)'],
    ['wait retried', '… including retries and backoff'],
    ['run s-0', 'running, succeeded'],
    ['run s-0 cold', 'running, succeeded, cold start'],
    ['run s-1', 'running, failed'],
    ['run s-1 cold', 'running, failed, cold start'],
    ['run s-2', 'aborted'],
  ];
  return `<ul class="legend">${items.map(([cls, label]) => `<li><span class="swatch ${cls}"></span>${escapeXml(label)}</li>`).join('')}</ul>`;
}
