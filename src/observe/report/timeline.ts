import { formatCount, formatMs } from '../format.js';
import { STATUS_OF_CODE } from '../phase-columns.js';
import type { ReportModel, TimelineBar } from './model.js';
import { axes, escapeXml, n, plotHeight, plotWidth, type Frame } from './svg.js';

/**
 * One bar per invocation, like Lithops' timeline plots: a light part from the first submit to the
 * function's start (in transit, queued, or backing off between retries), a solid part while the
 * function ran, coloured by status and cold start. Rows go up in order of submission.
 */
export function timelineSvg(model: ReportModel): string {
  const { bars, stride } = model.timeline;
  const rows = Math.max(1, bars.length);
  const f: Frame = { width: 1000, height: Math.min(720, Math.max(240, rows * 3)) + 60, left: 64, right: 16, top: 16, bottom: 44 };
  const w = plotWidth(f);
  const h = plotHeight(f);
  const x = (ms: number): number => f.left + (ms / model.spanMs) * w;
  const rowHeight = h / rows;
  const barHeight = rowHeight >= 2 ? rowHeight * 0.8 : rowHeight;
  const parts = [
    `<svg id="timeline" class="chart" viewBox="0 0 ${f.width} ${f.height}" data-bars="${bars.length}" data-total="${model.timeline.total}" data-stride="${stride}" role="img" aria-label="timeline of invocations">`,
    axes(f, { min: 0, max: model.spanMs / 1000, unit: 's', label: 'seconds since the first submit' }, { min: 0, max: rows * stride, label: stride > 1 ? `invocation (every ${ordinal(stride)})` : 'invocation' }),
  ];
  bars.forEach((bar, i) => parts.push(barSvg(bar, model, x, f.top + h - (i + 1) * rowHeight, barHeight)));
  for (const phase of model.phases.slice(1)) {
    parts.push(`<line class="phase-line" x1="${n(x(phase.startMs))}" x2="${n(x(phase.startMs))}" y1="${f.top}" y2="${f.top + h}"/>`);
  }
  for (const phase of model.phases) {
    // A label near the right edge goes to the left of its line, so it stays inside the chart.
    const flip = x(phase.startMs) > f.left + w * 0.85;
    parts.push(
      `<text class="phase-label" x="${n(x(phase.startMs) + (flip ? -4 : 4))}" y="${f.top + 12}"${flip ? ' text-anchor="end"' : ''}>${escapeXml(phase.name)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

function barSvg(bar: TimelineBar, model: ReportModel, x: (ms: number) => number, y: number, height: number): string {
  const classes = ['inv', `s-${bar.status}`, bar.cold ? 'cold' : '', bar.retried ? 'retried' : ''].filter(Boolean).join(' ');
  const runFrom = bar.started !== undefined && bar.started > bar.submitted ? bar.started : bar.submitted;
  const rect = (cls: string, from: number, to: number): string =>
    `<rect class="${cls}" x="${n(x(from))}" y="${n(y)}" width="${n(Math.max(0.5, x(to) - x(from)))}" height="${n(height)}"/>`;
  const wait = runFrom > bar.submitted ? rect('wait', bar.submitted, runFrom) : '';
  return `<g class="${classes}"><title>${escapeXml(describe(bar, model))}</title>${wait}${rect('run', runFrom, bar.ended)}</g>`;
}

function describe(bar: TimelineBar, model: ReportModel): string {
  const at = (ms: number): string => `+${(ms / 1000).toFixed(3)} s`;
  const facts = [bar.id, model.timeline.phases[bar.phase] ?? '', STATUS_OF_CODE[bar.status] ?? ''];
  if (bar.cold) facts.push('cold start');
  if (bar.retried) facts.push('retried');
  const started = bar.started === undefined ? '' : `, started ${at(bar.started)}`;
  return `${facts.join(' · ')}\nsubmitted ${at(bar.submitted)}${started}, ended ${at(bar.ended)} (${formatMs(bar.ended - bar.submitted)})`;
}

/** What the timeline shows, said plainly when it is a sample. */
export function timelineNote(model: ReportModel): string {
  const { total, stride, bars } = model.timeline;
  if (stride === 1) return `All ${formatCount(total)} invocations that reached the platform are drawn.`;
  return (
    `A systematic sample: every ${ordinal(stride)} of each phase's invocations, of the ${formatCount(total)} that reached the platform, ` +
    `in the order they ended (${formatCount(bars.length)} bars). The summary, concurrency and histogram use every invocation.`
  );
}

/** 2nd, 16th, 32nd, 1,024th. */
function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${formatCount(n)}${suffix}`;
}
