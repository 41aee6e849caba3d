import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { createExecutor, EXECUTOR_NAMES } from '../executors/index.js';
import { createPlatform, PLATFORM_NAMES } from '../platforms/index.js';
import type { Driver } from '../src/driver.js';
import { AbortedError, ConfigError } from '../src/errors.js';
import { FileJournal } from '../src/journal/file-journal.js';
import type { Journal } from '../src/journal/journal.js';
import { describeError } from '../src/observe/describe-error.js';
import { formatSummary } from '../src/observe/format-summary.js';
import { observe, type Observation } from '../src/observe/observe.js';
import { PRICE_TABLES } from '../src/observe/pricing.js';
import { recordFormatOf } from '../src/observe/record-writers.js';
import type { RunSummary } from '../src/observe/summary.js';
import { addConnectionOptions, platformName, platformOptions, type ConnectionFlags } from './connection.js';
import { loadDriver } from './load-driver.js';
import { EXIT_FAILURE, EXIT_USAGE } from './exit-codes.js';
import { checkOutputPaths } from './output-paths.js';
import { positiveInt } from './parse-args.js';
import { withSimulatedHandler } from './simulated-handler.js';

interface RunFlags extends ConnectionFlags {
  readonly platform?: string;
  readonly executor: string;
  readonly concurrency?: number;
  readonly records: string[];
  readonly report?: string;
  readonly summary?: string;
  readonly runId?: string;
  readonly resume?: boolean;
  readonly keepFailed?: boolean;
  readonly journal?: string;
  readonly events?: string;
  readonly eventsWorkspace: string;
  readonly pricing?: string;
  readonly quiet?: boolean;
}

export function runCommand(): Command {
  const command = new Command('run')
    .summary('run a driver with progress, records, report and summary')
    .description('Run a driver: deploy, execute its phases, remove; show progress, keep records and a report, print the summary.')
    .argument('<driver-module>', 'a JavaScript module whose default export (or only Driver export) is a Driver subclass or instance')
    .addOption(new Option('-p, --platform <name>', 'where to run (default: local, or openwhisk with --host)').choices(PLATFORM_NAMES))
    .addOption(new Option('-e, --executor <name>', 'how to push the invocations through').choices(EXECUTOR_NAMES).default('concurrent'))
    .option('-c, --concurrency <n>', 'calls in flight at once (concurrent, async) or batch size (batched)', positiveInt)
    .addOption(
      new Option('--records <file>', 'stream every invocation record to FILE as it ends: .jsonl (every attempt) or .csv (one row each); repeatable')
        .argParser(collect)
        .default([], 'none'),
    )
    .option('--report <file>', 'write the HTML report to FILE')
    .option('--summary <file>', 'write the summary as JSON to FILE')
    .option('--run-id <id>', 'name the run in events, records and traces (default: a random UUID)')
    .option('--resume', 'keep a journal of finished invocations in .falco/runs/<run-id>.jsonl; run again with the same --run-id to run only what did not succeed')
    .option('--keep-failed', 'with --resume: keep the failures the journal holds instead of running those invocations again')
    .option('--journal <url>', 'with --resume: keep the journal in Redis instead (redis://[:password@]host:port, or rediss:// for TLS)')
    .option('--events <store>', "publish the run's CloudEvents to a workspace's event stream as it goes (redis://..., file:DIR)")
    .option('--events-workspace <name>', 'the workspace --events publishes to (created if missing)', 'runs')
    .addOption(new Option('--pricing <table>', 'estimate cost with this price table (default: the platform\'s own, if it has one)').choices(Object.keys(PRICE_TABLES)))
    .option('-q, --quiet', 'no progress output');
  return addConnectionOptions(command).action(async (modulePath: string, flags: RunFlags) => {
    process.exitCode = await run(modulePath, flags);
  });
}

/**
 * 0: every invocation succeeded; 1: some failed or were aborted (restored ones included), the run
 * failed, or an output was lost; 2: bad usage (also when found by the run).
 */
async function run(modulePath: string, flags: RunFlags): Promise<number> {
  flags.records.forEach(recordFormatOf);
  const journal = await journalOf(flags);
  if (flags.keepFailed && !flags.resume) throw new ConfigError('--keep-failed needs --resume: it says what a resumed run does with the failures in its journal');
  if (flags.executor === 'sequential' && flags.concurrency !== undefined) {
    throw new ConfigError('--concurrency does not apply to the sequential executor (one call at a time): drop it, or choose -e concurrent');
  }
  const name = platformName(flags);
  const options = platformOptions(name, flags);
  checkOutputPaths([...flags.records, flags.report, flags.summary]);
  const driver = await loadDriver(modulePath);
  const executor = createExecutor(flags.executor, flags.concurrency === undefined ? {} : { concurrency: flags.concurrency });
  const platform = await createPlatform(name, await withSimulatedHandler(name, options));
  const observation = observe(driver, {
    progress: flags.quiet ? false : {},
    records: flags.records,
    ...(flags.report ? { report: flags.report } : {}),
    ...(flags.pricing ? { pricing: { as: flags.pricing } } : {}),
  });
  const events = flags.events === undefined ? undefined : await publishEvents(driver, flags.events, flags.eventsWorkspace);
  const controller = new AbortController();
  const interrupt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('falco: stopping (invocations in flight are cancelled, deployments removed); press Ctrl-C again to quit at once\n');
    controller.abort(new AbortedError('interrupted (SIGINT)'));
  };
  process.on('SIGINT', interrupt);
  let failure: unknown;
  try {
    await driver.run({
      platform,
      executor,
      signal: controller.signal,
      ...(flags.runId ? { runId: flags.runId } : {}),
      ...(journal ? { journal, resume: { retryFailed: !flags.keepFailed } } : {}),
    });
  } catch (error) {
    failure = error;
  } finally {
    process.off('SIGINT', interrupt);
  }
  const published = events ? await events.close() : true;
  // A platform that fails to close must not cost the summary either.
  const closed = await platform.close().then(
    () => true,
    (error: unknown) => {
      process.stderr.write(`falco run: the platform could not be closed: ${describeError(error)}\n`);
      return false;
    },
  );
  const { summary, lost } = await keepOutputs(observation, flags, failure);
  if (failure !== undefined) {
    process.stderr.write(`falco run: the run failed: ${describeError(failure)}\n`);
    return failure instanceof ConfigError ? EXIT_USAGE : EXIT_FAILURE;
  }
  if (lost || !closed || !published) return EXIT_FAILURE;
  return summary.total.failed + summary.total.aborted > 0 ? 1 : 0;
}

/**
 * The journal --resume keeps, named by --run-id: a file under .falco/runs, or a Redis one with
 * --journal (its client is loaded only then, so a plain run never loads it).
 */
async function journalOf(flags: RunFlags): Promise<Journal | undefined> {
  if (!flags.resume) {
    if (flags.journal) throw new ConfigError('--journal is where --resume keeps its journal: add --resume (and --run-id)');
    return undefined;
  }
  if (!flags.runId) throw new ConfigError('--resume needs --run-id: the run id names the journal to resume from');
  if (flags.journal !== undefined) {
    const { parseRedisUrl, RedisJournal } = await import('../stores/redis/index.js');
    parseRedisUrl(flags.journal);
    return new RedisJournal({ url: flags.journal, runId: flags.runId });
  }
  try {
    return FileJournal.forRun(flags.runId);
  } catch (error) {
    throw new ConfigError(`--run-id: ${describeError(error)}`);
  }
}

/** Publishes the driver's run events to the workspace's event stream of the store `url` names. */
async function publishEvents(driver: Driver<unknown>, url: string, workspace: string): Promise<{ close(): Promise<boolean> }> {
  const { openStore } = await import('../stores/open.js');
  const { attachEventSink } = await import('../flows/events/run-events.js');
  if (url === 'memory:') throw new ConfigError('--events memory: would publish to a store no other process sees: use redis://... or file:DIR');
  const store = await openStore(url).catch((error: unknown) => {
    throw error instanceof ConfigError ? new ConfigError(`--events: ${error.message}`, { cause: error }) : error;
  });
  await store.createWorkspace(workspace);
  const sink = attachEventSink(driver, store.events(workspace));
  return {
    async close() {
      try {
        await sink.detach();
        return true;
      } catch (error) {
        process.stderr.write(`falco run: publishing the run's events failed: ${describeError(error)}\n`);
        return false;
      } finally {
        await store.close();
      }
    },
  };
}

/**
 * Closes the observation (records, report) and prints the summary, whatever failed: a run that
 * failed still has its summary, and so does a run whose report or records could not be written.
 * Only a run that failed before any phase started, with nothing to count, prints none.
 */
async function keepOutputs(observation: Observation, flags: RunFlags, failure: unknown): Promise<{ summary: RunSummary; lost: boolean }> {
  let summary: RunSummary;
  let lost = false;
  try {
    summary = await observation.close();
    if (flags.report) process.stderr.write(`falco: report written to ${flags.report}\n`);
  } catch (error) {
    summary = observation.stats.summary();
    lost = true;
    process.stderr.write(`falco run: an output could not be written: ${describeError(error)}\n`);
  }
  if (failure === undefined || summary.phases.length > 0) process.stdout.write(`${formatSummary(summary)}\n`);
  if (flags.summary) {
    try {
      await writeFile(flags.summary, `${JSON.stringify(summary, null, 2)}\n`);
    } catch (error) {
      lost = true;
      process.stderr.write(`falco run: the summary could not be written: ${describeError(error)}\n`);
    }
  }
  return { summary, lost };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
