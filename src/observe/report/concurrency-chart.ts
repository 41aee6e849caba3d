import { formatMs } from '../format.js';
import type { ReportModel } from './model.js';
import { axes, n, plotHeight, plotWidth, type Frame } from './svg.js';

/** Attempts in flight over time: the highest count within each time bin, so no peak is averaged away. */
export function concurrencySvg(model: ReportModel): string {
  const { max, binMs, peak } = model.concurrency;
  const f: Frame = { width: 1000, height: 260, left: 64, right: 16, top: 16, bottom: 44 };
  const w = plotWidth(f);
  const h = plotHeight(f);
  const top = Math.max(1, Math.ceil(peak * 1.1));
  const x = (ms: number): number => f.left + (ms / model.spanMs) * w;
  const y = (v: number): number => f.top + h - (v / top) * h;
  const path = [`M${n(x(0))} ${n(y(0))}`];
  max.forEach((value, i) => path.push(`L${n(x(i * binMs))} ${n(y(value))}`, `L${n(x((i + 1) * binMs))} ${n(y(value))}`));
  path.push(`L${n(x(max.length * binMs))} ${n(y(0))}Z`);
  return [
    `<svg id="concurrency" class="chart" viewBox="0 0 ${f.width} ${f.height}" data-peak="${peak}" data-bins="${max.length}" role="img" aria-label="concurrency over time">`,
    axes(f, { min: 0, max: model.spanMs / 1000, unit: 's', label: `seconds since the first submit (bins of ${formatMs(binMs)})` }, { min: 0, max: top, label: 'attempts in flight' }),
    max.length > 0 ? `<path class="area" d="${path.join('')}"/>` : '',
    `<line class="peak-line" x1="${f.left}" x2="${f.left + w}" y1="${n(y(peak))}" y2="${n(y(peak))}"/>`,
    `<text class="peak-label" x="${f.left + w - 4}" y="${n(y(peak) - 4)}" text-anchor="end">peak ${peak}</text>`,
    '</svg>',
  ].join('');
}
