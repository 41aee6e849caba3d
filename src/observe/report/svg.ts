/** Small helpers for writing SVG and HTML as text. */

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number short enough for an attribute: SVG coordinates need no more than 0.01 px. */
export function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A 1, 2 or 5 times a power of ten, at least `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** About `count` round tick values covering [min, max]. */
export function ticks(min: number, max: number, count: number): number[] {
  const step = niceStep((max - min) / Math.max(1, count));
  const out: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) out.push(Math.round(t / step) * step);
  return out;
}

/** A tick label: seconds or milliseconds, trimmed of float noise. */
export function tickLabel(value: number, unit: 's' | 'ms' | ''): string {
  return `${Number(value.toPrecision(6))}${unit ? ` ${unit}` : ''}`;
}

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export const plotWidth = (f: Frame): number => f.width - f.left - f.right;
export const plotHeight = (f: Frame): number => f.height - f.top - f.bottom;

/** Axes with ticks and labels around a frame's plot area. */
export function axes(
  f: Frame,
  x: { min: number; max: number; unit: 's' | 'ms' | ''; label: string },
  y: { min: number; max: number; label: string; ticks?: boolean },
): string {
  const w = plotWidth(f);
  const h = plotHeight(f);
  const sx = (v: number): number => f.left + ((v - x.min) / (x.max - x.min || 1)) * w;
  const sy = (v: number): number => f.top + h - ((v - y.min) / (y.max - y.min || 1)) * h;
  const parts = [`<g class="axes">`, `<rect class="frame" x="${f.left}" y="${f.top}" width="${n(w)}" height="${n(h)}"/>`];
  for (const t of ticks(x.min, x.max, 8)) {
    parts.push(`<line x1="${n(sx(t))}" x2="${n(sx(t))}" y1="${f.top + h}" y2="${f.top + h + 4}"/>`);
    parts.push(`<text x="${n(sx(t))}" y="${f.top + h + 16}" text-anchor="middle">${escapeXml(tickLabel(t, x.unit))}</text>`);
  }
  if (y.ticks !== false) {
    for (const t of ticks(y.min, y.max, 5)) {
      parts.push(`<line class="grid" x1="${f.left}" x2="${f.left + w}" y1="${n(sy(t))}" y2="${n(sy(t))}"/>`);
      parts.push(`<text x="${f.left - 6}" y="${n(sy(t) + 4)}" text-anchor="end">${escapeXml(tickLabel(t, ''))}</text>`);
    }
  }
  parts.push(`<text class="label" x="${n(f.left + w / 2)}" y="${f.height - 4}" text-anchor="middle">${escapeXml(x.label)}</text>`);
  parts.push(
    `<text class="label" transform="translate(12 ${n(f.top + h / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(y.label)}</text>`,
  );
  parts.push('</g>');
  return parts.join('');
}
