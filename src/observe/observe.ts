import type { EventBus, FalcoEvents } from '../events.js';
import type { PricingOptions } from './pricing.js';
import { Progress, type ProgressOptions } from './progress.js';
import { createRecordWriter, recordFormatOf, type RecordWriter } from './record-writers.js';
import { writeReport, type ReportOptions } from './report/index.js';
import { RunStats } from './run-stats.js';
import type { RunSummary } from './summary.js';
import { RunTracer, type TracingOptions } from './tracing.js';

export interface ObserveOptions {
  /** Progress on standard error; `false` for none. @default bars on a terminal, lines otherwise */
  readonly progress?: ProgressOptions | false;
  /** Stream every invocation's record to these files as it ends (`.jsonl` or `.csv`). @default none */
  readonly records?: string | readonly string[];
  /** Write the HTML report here on `close()`. @default none */
  readonly report?: string | ({ readonly path: string } & ReportOptions);
  /** OpenTelemetry spans, a no-op until an SDK is registered; `false` for none. @default on */
  readonly tracing?: TracingOptions | false;
  /** The price tables the cost estimate uses. @default the platform's own (none for local and simulated) */
  readonly pricing?: PricingOptions;
}

/**
 * A run being watched; `close()` detaches, flushes the records, writes the report. When an output
 * cannot be written `close()` rejects, and `stats.summary()` still has the figures.
 */
export interface Observation {
  readonly stats: RunStats;
  close(): Promise<RunSummary>;
}

/**
 * Everything falco offers for watching and keeping a run, attached to a driver's events in one
 * call: progress, record files, summary, report and tracing.
 *
 *   const observation = observe(driver, { records: 'run.jsonl', report: 'run.html' });
 *   try { await driver.run({ platform, executor }); } finally { console.log(formatSummary(await observation.close())); }
 */
export function observe(driver: { readonly events: EventBus<FalcoEvents> }, options: ObserveOptions = {}): Observation {
  const stats = new RunStats(options.pricing ? { pricing: options.pricing } : {});
  const paths = options.records === undefined ? [] : typeof options.records === 'string' ? [options.records] : options.records;
  paths.forEach(recordFormatOf); // every name checked before any file is opened
  const writers: RecordWriter[] = paths.map((path) => createRecordWriter(path));
  const detach = [
    stats.attach(driver.events),
    ...writers.map((writer) => writer.attach(driver.events)),
    ...(options.progress === false ? [] : [new Progress(options.progress).attach(driver.events)]),
    ...(options.tracing === false ? [] : [new RunTracer(options.tracing).attach(driver.events)]),
  ];
  let closed: Promise<RunSummary> | undefined;
  return {
    stats,
    close() {
      closed ??= (async () => {
        detach.forEach((off) => off());
        // Every output is attempted, whichever fails: one unwritable file must not cost the others.
        const flushed = await Promise.allSettled(writers.map((writer) => writer.close()));
        const report = typeof options.report === 'string' ? { path: options.report } : options.report;
        const written = report ? await Promise.allSettled([writeReport(stats, report.path, report)]) : [];
        const failures = [...flushed, ...written].flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
        if (failures.length === 1) throw failures[0];
        if (failures.length > 1) throw new AggregateError(failures, `${failures.length} outputs could not be written`);
        return stats.summary();
      })();
      return closed;
    },
  };
}
