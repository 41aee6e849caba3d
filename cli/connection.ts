import { InvalidArgumentError, Option, type Command } from 'commander';

/** The flags that say where a platform is and how to reach it, as in the example. */
export interface ConnectionFlags {
  readonly host?: string;
  readonly token?: string;
  readonly insecure?: boolean;
  readonly endpoint?: string;
  readonly region?: string;
  readonly project?: string;
  readonly platformOptions?: Record<string, unknown>;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option('--host <host>', 'OpenWhisk API host (implies --platform openwhisk)')
    .option('--token <token>', 'OpenWhisk auth token, uuid:key')
    .option('--insecure', 'skip TLS certificate verification (OpenWhisk)')
    .option('--endpoint <url>', 'API endpoint override (Lambda-compatible services, tests)')
    .option('--region <region>', 'cloud region (Lambda, Google Cloud Functions)')
    .option('--project <id>', 'Google Cloud project')
    .addOption(
      new Option('--platform-options <json>', 'more platform options, as a JSON object (e.g. \'{"latency":{"distribution":"fixed","ms":5}}\')').argParser(parseJsonObject),
    );
}

/** The platform's name: the one asked for, or OpenWhisk when a host is given, or the local platform. */
export function platformName(flags: ConnectionFlags & { platform?: string }): string {
  return flags.platform ?? (flags.host ? 'openwhisk' : 'local');
}

/** The options object the platform's adapter takes; only the flags given. */
export function platformOptions(flags: ConnectionFlags): Record<string, unknown> {
  const given = { host: flags.host, token: flags.token, insecure: flags.insecure, endpoint: flags.endpoint, region: flags.region, projectId: flags.project };
  return { ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)), ...flags.platformOptions };
}

function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError('must be a JSON object');
  return parsed as Record<string, unknown>;
}
