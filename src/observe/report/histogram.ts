import { formatCount, formatMs } from '../format.js';
import type { ReportModel } from './model.js';
import { axes, escapeXml, n, plotHeight, plotWidth, type Frame } from './svg.js';

/** Room for a marker label such as "p99 1.25 s", in chart units. */
const MARKER_LABEL_WIDTH = 90;

/** End-to-end latency per invocation, with p50 and p99 marked; a long tail is one overflow bar. */
export function histogramSvg(model: ReportModel): string {
  const { counts, binMs, fromMs, overflow, overflowFromMs, total } = model.histogram;
  const f: Frame = { width: 1000, height: 300, left: 64, right: 16, top: 16, bottom: 44 };
  const w = plotWidth(f);
  const h = plotHeight(f);
  const slots = counts.length + (overflow > 0 ? 1 : 0);
  const toMs = fromMs + slots * binMs;
  // Headroom above the tallest bar, for the p50 and p99 labels.
  const top = Math.max(1, Math.ceil(Math.max(...counts, overflow) * 1.15));
  const x = (ms: number): number => f.left + ((ms - fromMs) / (toMs - fromMs || 1)) * w;
  const y = (v: number): number => f.top + h - (v / top) * h;
  const bar = (cls: string, from: number, count: number, label: string): string =>
    `<rect class="${cls}" data-count="${count}" x="${n(x(from) + 0.5)}" y="${n(y(count))}" width="${n(Math.max(0.5, x(from + binMs) - x(from) - 1))}" height="${n(f.top + h - y(count))}"><title>${escapeXml(`${label}: ${formatCount(count)} invocations`)}</title></rect>`;
  const seconds = toMs >= 10_000;
  const unit = seconds ? 1000 : 1;
  const parts = [
    `<svg id="histogram" class="chart" viewBox="0 0 ${f.width} ${f.height}" data-total="${total}" data-bins="${counts.length}" data-overflow="${overflow}" role="img" aria-label="latency histogram">`,
    axes(f, { min: fromMs / unit, max: toMs / unit, unit: seconds ? 's' : 'ms', label: `end-to-end latency per invocation (bins of ${formatMs(binMs)})` }, { min: 0, max: top, label: 'invocations' }),
  ];
  counts.forEach((count, i) => {
    const from = fromMs + i * binMs;
    parts.push(bar('bin', from, count, `${formatMs(from)} – ${formatMs(from + binMs)}`));
  });
  if (overflow > 0 && overflowFromMs !== undefined) {
    parts.push(bar('bin overflow', overflowFromMs, overflow, `over ${formatMs(overflowFromMs)} (up to ${formatMs(model.summary.total.latencyMs?.max)})`));
  }
  const latency = model.summary.total.latencyMs;
  let previousX = -Infinity;
  let line = 0;
  for (const [name, value] of [['p50', latency?.p50], ['p99', latency?.p99]] as const) {
    if (value === undefined || value > toMs) continue;
    const at = x(value);
    // A label near the right edge goes to the left of its line, so it stays inside the chart; one
    // too close to the label before it goes a line lower, so the two do not overlap.
    const flip = at > f.left + w * 0.85;
    line = at - previousX < MARKER_LABEL_WIDTH ? line + 1 : 0;
    previousX = at;
    parts.push(`<line class="marker" x1="${n(at)}" x2="${n(at)}" y1="${f.top}" y2="${f.top + h}"/>`);
    parts.push(
      `<text class="marker-label" x="${n(at + (flip ? -3 : 3))}" y="${f.top + 12 + line * 14}"${flip ? ' text-anchor="end"' : ''}>${name} ${escapeXml(formatMs(value))}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
