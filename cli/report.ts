import { statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ConfigError } from '../src/errors.js';
import { formatSummary } from '../src/observe/format-summary.js';
import { PRICE_TABLES } from '../src/observe/pricing.js';
import { readRecords } from '../src/observe/read-records.js';
import { writeReport } from '../src/observe/report/index.js';
import { RunStats } from '../src/observe/run-stats.js';
import { checkOutputPaths } from './output-paths.js';
import { positiveInt } from './parse-args.js';

interface ReportFlags {
  readonly output: string;
  readonly title?: string;
  readonly pricing?: string;
  readonly maxBars?: number;
}

export function reportCommand(): Command {
  return new Command('report')
    .summary('build the HTML report from a records file')
    .description('Build the HTML report (and print the summary) from a JSON lines records file kept with `falco run --records FILE.jsonl`.')
    .argument('<records>', 'a .jsonl records file')
    .requiredOption('-o, --output <file>', 'where to write the HTML report')
    .option('--title <text>', 'the report\'s heading')
    .addOption(new Option('--pricing <table>', 'estimate cost with this price table (default: the platform\'s own, if it has one)').choices(Object.keys(PRICE_TABLES)))
    .option('--max-bars <n>', 'the most invocations drawn on the timeline; more are sampled (default 2000)', positiveInt)
    .action(async (records: string, flags: ReportFlags) => {
      const file = statSync(records, { throwIfNoEntry: false });
      if (!file) throw new ConfigError(`records file "${records}" not found`);
      if (!file.isFile()) throw new ConfigError(`records file "${records}" is not a file: name the .jsonl file that falco run --records wrote`);
      checkOutputPaths([flags.output]);
      if (records.toLowerCase().endsWith('.csv')) {
        throw new ConfigError(`"${records}" is CSV, which keeps only each invocation's final attempt; falco report reads the .jsonl records (every attempt)`);
      }
      const stats = new RunStats(flags.pricing ? { pricing: { as: flags.pricing } } : {});
      for await (const { invocation, info } of readRecords(records)) stats.add(invocation, info);
      await writeReport(stats, flags.output, {
        ...(flags.title ? { title: flags.title } : {}),
        ...(flags.maxBars ? { maxBars: flags.maxBars } : {}),
      });
      process.stdout.write(`${formatSummary(stats.summary())}\n`);
      process.stderr.write(`falco: report written to ${flags.output}\n`);
    });
}
