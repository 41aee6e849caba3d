#!/usr/bin/env node
/**
 * The falco command: `falco run DRIVER_MODULE`, `falco report RECORDS -o FILE`, `falco cleanup -p PLATFORM`.
 * Exit codes: 0 success; 1 some invocation failed or was aborted, the run failed, or a cleanup did not
 * finish; 2 bad usage (unknown flag, missing module, a module that exports no Driver, invalid options).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../src/errors.js';
import { describeError } from '../src/observe/describe-error.js';
import { cleanupCommand } from './cleanup.js';
import { consoleCommand } from './console.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { flowCommand } from './flow.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { triggersCommand } from './triggers.js';
import { lifecycleCommand, workerCommand } from './worker.js';
import { addWorkflowServiceCommands } from './workflow-service.js';
import { addWorkflowCodeCommands } from './workflow-code.js';


const program = new Command('falco')
  .description('FaaS-based, massively parallel analytics: run drivers, keep their records, report on them, clean up after them.')
  .version(packageVersion())
  .exitOverride()
  .showHelpAfterError('(add --help for usage)');
const workflow = new Command('workflow')
  .summary('run, start, list, inspect and steer workflows')
  .description('Workflows as code (run, status, cancel, resume: replayed from their logs) and workflows of the workflow service (start, list, inspect, pause, resume --api, terminate, restart, archive, restore: through the workflow API of falco console).');
addWorkflowServiceCommands(addWorkflowCodeCommands(workflow));
for (const command of [runCommand(), reportCommand(), cleanupCommand(), triggersCommand(), workerCommand(), lifecycleCommand(), consoleCommand(), flowCommand(), workflow]) program.addCommand(command.copyInheritedSettings(program));

program.parseAsync().then(
  () => process.exit(),
  (error: unknown) => {
    if (error instanceof CommanderError) {
      // Commander has printed its message; --help and --version are not errors.
      const shown = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
      process.exit(shown ? EXIT_OK : EXIT_USAGE);
    }
    process.stderr.write(`falco: ${describeError(error)}\n`);
    process.exit(error instanceof ConfigError ? EXIT_USAGE : EXIT_FAILURE);
  },
);

/** The package's version, from its package.json: two folders up from this file, which runs as dist/cli/falco.js. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
