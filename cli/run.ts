import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createExecutor, EXECUTOR_NAMES } from '../executors/index.js';
import { createPlatform, PLATFORM_NAMES } from '../platforms/index.js';
import { AbortedError, ConfigError, FileJournal, formatSummary, observe, PRICE_TABLES, recordFormatOf, type Journal } from '../src/index.js';
import { addConnectionOptions, platformName, platformOptions, type ConnectionFlags } from './connection.js';
import { describeError } from './errors.js';
import { loadDriver } from './load-driver.js';
import { checkOutputPaths } from './output-paths.js';

interface RunFlags extends ConnectionFlags {
  readonly platform?: string;
  readonly executor: string;
  readonly concurrency?: number;
  readonly records: string[];
  readonly report?: string;
  readonly summary?: string;
  readonly runId?: string;
  readonly resume?: boolean;
  readonly journal?: string;
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
    .option('--resume', 'keep a journal of finished invocations in .falco/runs/<run-id>.jsonl; run again with the same --run-id to skip what is done')
    .option('--journal <url>', 'with --resume: keep the journal in Redis instead (redis://[:password@]host:port, or rediss:// for TLS)')
    .addOption(new Option('--pricing <table>', 'estimate cost with this price table (default: the platform\'s own, if it has one)').choices(Object.keys(PRICE_TABLES)))
    .option('-q, --quiet', 'no progress output');
  return addConnectionOptions(command).action(async (modulePath: string, flags: RunFlags) => {
    process.exitCode = await run(modulePath, flags);
  });
}

/** 0: every invocation succeeded; 1: some failed or were aborted, or the run failed. Bad usage throws (exit 2). */
async function run(modulePath: string, flags: RunFlags): Promise<number> {
  flags.records.forEach(recordFormatOf);
  if (flags.resume && !flags.runId) throw new ConfigError('--resume needs --run-id: the run id names the journal to resume from');
  if (flags.journal && !flags.resume) throw new ConfigError('--journal is where --resume keeps its journal: add --resume (and --run-id)');
  const journal = flags.resume && flags.runId ? await openJournal(flags.runId, flags.journal) : undefined;
  checkOutputPaths([...flags.records, flags.report, flags.summary]);
  const driver = await loadDriver(modulePath);
  const executor = createExecutor(flags.executor, flags.concurrency === undefined ? {} : { concurrency: flags.concurrency });
  const platform = await createPlatform(platformName(flags), platformOptions(flags));
  const observation = observe(driver, {
    progress: flags.quiet ? false : {},
    records: flags.records,
    ...(flags.report ? { report: flags.report } : {}),
    ...(flags.pricing ? { pricing: { as: flags.pricing } } : {}),
  });
  const controller = new AbortController();
  const interrupt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('falco: stopping (invocations in flight are cancelled, deployments removed); press Ctrl-C again to quit at once\n');
    controller.abort(new AbortedError('interrupted (SIGINT)'));
  };
  process.on('SIGINT', interrupt);
  let failure: unknown;
  try {
    await driver.run({ platform, executor, signal: controller.signal, ...(flags.runId ? { runId: flags.runId } : {}), ...(journal ? { journal } : {}) });
  } catch (error) {
    failure = error;
  } finally {
    process.off('SIGINT', interrupt);
    await platform.close();
  }
  const summary = await observation.close();
  process.stdout.write(`${formatSummary(summary)}\n`);
  if (flags.summary) await writeFile(flags.summary, `${JSON.stringify(summary, null, 2)}\n`);
  if (flags.report) process.stderr.write(`falco: report written to ${flags.report}\n`);
  if (failure !== undefined) {
    process.stderr.write(`falco run: the run failed: ${describeError(failure)}\n`);
    return 1;
  }
  return summary.total.failed + summary.total.aborted > 0 ? 1 : 0;
}

/** The file journal, or a Redis one (its client loaded only then, so a plain run never loads it). */
async function openJournal(runId: string, url: string | undefined): Promise<Journal> {
  if (url === undefined) return FileJournal.forRun(runId);
  const { parseRedisUrl, RedisJournal } = await import('../stores/redis/index.js');
  parseRedisUrl(url);
  return new RedisJournal({ url, runId });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number, 1 or more');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
