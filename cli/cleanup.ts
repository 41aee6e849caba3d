import { Command, Option } from 'commander';
import { cleanupPlatform, PLATFORM_NAMES } from '../platforms/index.js';
import { ConfigError } from '../src/errors.js';
import { describeError } from '../src/observe/describe-error.js';
import { EXIT_FAILURE } from './exit-codes.js';
import { addConnectionOptions, platformName, platformOptions, type ConnectionFlags } from './connection.js';

interface CleanupFlags extends ConnectionFlags {
  readonly platform?: string;
}

export function cleanupCommand(): Command {
  const command = new Command('cleanup')
    .summary('delete the functions falco left behind on a platform')
    .description(
      "Find the functions falco deployed and never removed (a killed run, say) by falco's name prefix (falco-<name>-<8 hex>), and delete them. " +
        'Every falco function in the account, namespace or project goes: do not run it beside a run in progress. ' +
        'On the local platform: the code directories that runs no longer running left in the temp dir (a live run\'s are kept).',
    )
    .addOption(new Option('-p, --platform <name>', 'the platform to clean up (openwhisk when --host is given)').choices(PLATFORM_NAMES));
  return addConnectionOptions(command).action(async (flags: CleanupFlags) => {
    if (!flags.platform && !flags.host) throw new ConfigError('falco cleanup needs the platform to clean up: give --platform <name> (or --host, which implies openwhisk)');
    const platform = platformName(flags);
    const options = platformOptions(platform, flags);
    if (platform === 'simulated') {
      process.stdout.write('nothing to clean up: simulated deployments end with the process that made them\n');
      return;
    }
    const result = await cleanupPlatform(platform, options);
    process.stdout.write(
      result.removed.length === 0
        ? `no leftover falco deployments on ${platform}\n`
        : `removed ${result.removed.length} leftover deployment${result.removed.length === 1 ? '' : 's'} on ${platform}:\n${result.removed.map((name) => `  ${name}\n`).join('')}`,
    );
    for (const { name, error } of result.failed) process.stderr.write(`falco cleanup: could not remove ${name}: ${describeError(error)}\n`);
    if (result.failed.length > 0) process.exitCode = EXIT_FAILURE;
  });
}
