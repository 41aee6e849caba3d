import type { PlatformTimings } from '../../src/errors.js';

/**
 * Reads Lambda's REPORT line from a base64 log tail (`X-Amz-Log-Result`):
 * `REPORT RequestId: …\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\tInit Duration: 156.23 ms`.
 * Init Duration appears only on a cold start. Empty when the tail holds no REPORT line.
 */
export function timingsFromLogTail(logResult: string | undefined): PlatformTimings {
  if (!logResult) return {};
  const report = Buffer.from(logResult, 'base64')
    .toString('utf8')
    .split('\n')
    .findLast((line) => line.startsWith('REPORT '));
  if (!report) return {};
  const fields = new Map<string, number>();
  for (const part of report.split('\t')) {
    const match = /^\s*([A-Za-z ]+?): ([\d.]+) (?:ms|MB)\s*$/.exec(part);
    if (match?.[1] && match[2]) fields.set(match[1], Number(match[2]));
  }
  const timings: PlatformTimings = {};
  const durationMs = fields.get('Duration');
  const billedDurationMs = fields.get('Billed Duration');
  const memoryUsedMB = fields.get('Max Memory Used');
  const initDurationMs = fields.get('Init Duration');
  if (durationMs !== undefined) timings.durationMs = durationMs;
  if (billedDurationMs !== undefined) timings.billedDurationMs = billedDurationMs;
  if (memoryUsedMB !== undefined) timings.memoryUsedMB = memoryUsedMB;
  if (initDurationMs !== undefined) timings.initDurationMs = initDurationMs;
  timings.coldStart = initDurationMs !== undefined;
  return timings;
}
