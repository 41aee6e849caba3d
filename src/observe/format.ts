/** Human-readable figures, shared by the text summary, progress lines and the HTML report. */

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms < 100 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatRate(perSecond: number): string {
  return `${perSecond < 10 ? perSecond.toFixed(2) : perSecond.toFixed(1)}/s`;
}

/** Small amounts keep three significant digits: a run often costs fractions of a cent. */
export function formatMoney(amount: number | undefined, currency = 'USD'): string {
  if (amount === undefined) return '–';
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  if (amount === 0) return `${symbol}0`;
  // Three significant digits below 1, written out: $0.000000229, not $2.29e-7.
  const decimals = amount >= 1 ? 2 : Math.min(20, 2 - Math.floor(Math.log10(amount)));
  return `${symbol}${amount.toFixed(decimals)}`;
}

/** Columns padded to their widest cell; `right` marks the columns aligned right (numbers). */
export function textTable(rows: readonly (readonly string[])[], right: readonly boolean[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map((row) => row.map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n');
}
