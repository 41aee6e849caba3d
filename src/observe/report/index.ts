import { writeFile } from 'node:fs/promises';
import type { RunStats } from '../run-stats.js';
import { reportModel, type ReportOptions } from './model.js';
import { renderReport } from './render.js';

export { reportModel, type ReportModel, type ReportOptions, type TimelineBar } from './model.js';
export { renderReport } from './render.js';

/** The HTML report of the records collected so far. */
export function reportHtml(stats: RunStats, options: ReportOptions = {}): string {
  return renderReport(reportModel(stats, options));
}

export async function writeReport(stats: RunStats, path: string, options: ReportOptions = {}): Promise<void> {
  await writeFile(path, reportHtml(stats, options));
}
