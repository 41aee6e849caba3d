#!/usr/bin/env node
/**
 * The falco command: `falco run DRIVER_MODULE`, `falco report RECORDS -o FILE`, `falco cleanup -p PLATFORM`.
 * Exit codes: 0 success; 1 some invocation failed or was aborted, the run failed, or a cleanup did not
 * finish; 2 bad usage (unknown flag, missing module, a module that exports no Driver, invalid options).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../src/index.js';
import { cleanupCommand } from './cleanup.js';
import { describeError } from './errors.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { triggersCommand } from './triggers.js';

const FAILURE = 1;
const USAGE_ERROR = 2;

const program = new Command('falco')
  .description('FaaS-based, massively parallel analytics: run drivers, keep their records, report on them, clean up after them.')
  .version(packageVersion())
  .exitOverride()
  .showHelpAfterError('(add --help for usage)');
for (const command of [runCommand(), reportCommand(), cleanupCommand(), triggersCommand()]) program.addCommand(command.copyInheritedSettings(program));

program.parseAsync().then(
  () => process.exit(),
  (error: unknown) => {
    if (error instanceof CommanderError) {
      // Commander has printed its message; --help and --version are not errors.
      const shown = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
      process.exit(shown ? 0 : USAGE_ERROR);
    }
    process.stderr.write(`falco: ${describeError(error)}\n`);
    process.exit(error instanceof ConfigError ? USAGE_ERROR : FAILURE);
  },
);

/** The package's version, from the package.json above this file (dist/cli/ in a build). */
function packageVersion(): string {
  for (let url = new URL('../package.json', import.meta.url); ; ) {
    try {
      return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
    } catch {
      const parent = new URL('../../package.json', url);
      if (parent.href === url.href) return 'unknown';
      url = parent;
    }
  }
}
