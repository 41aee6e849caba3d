import { InvalidArgumentError, Option, type Command } from 'commander';
import { parsePlatformName, type PlatformName } from '../platforms/index.js';
import { ConfigError } from '../src/errors.js';

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

type ConnectionFlag = Exclude<keyof ConnectionFlags, 'platformOptions'>;

/** Each connection flag, the adapter option it sets, and the platforms that take it. */
const CONNECTION_FLAGS: Record<ConnectionFlag, { readonly flag: string; readonly option: string; readonly platforms: readonly string[] }> = {
  host: { flag: '--host', option: 'host', platforms: ['openwhisk'] },
  token: { flag: '--token', option: 'token', platforms: ['openwhisk'] },
  insecure: { flag: '--insecure', option: 'insecure', platforms: ['openwhisk'] },
  endpoint: { flag: '--endpoint', option: 'endpoint', platforms: ['lambda', 'gcf'] },
  region: { flag: '--region', option: 'region', platforms: ['lambda', 'gcf'] },
  project: { flag: '--project', option: 'projectId', platforms: ['gcf'] },
};

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
export function platformName(flags: ConnectionFlags & { platform?: string }): PlatformName {
  return parsePlatformName(flags.platform ?? (flags.host ? 'openwhisk' : 'local'));
}

/**
 * The options object the platform's adapter takes: only the flags given, each checked here, before
 * anything runs, so that a mistyped host or token is reported as bad usage naming its flag rather
 * than as a failed run.
 */
export function platformOptions(platform: string, flags: ConnectionFlags): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONNECTION_FLAGS) as [ConnectionFlag, (typeof CONNECTION_FLAGS)[ConnectionFlag]][]) {
    const value = flags[key];
    if (value === undefined) continue;
    if (!spec.platforms.includes(platform)) {
      throw new ConfigError(`${spec.flag} does not apply to the ${platform} platform: it is for ${spec.platforms.join(', ')}; drop it or choose --platform ${spec.platforms[0]}`);
    }
    if (typeof value === 'string') checkValue(key, value);
    options[spec.option] = value;
  }
  return { ...options, ...flags.platformOptions };
}

function checkValue(key: ConnectionFlag, value: string): void {
  if (key === 'token' && !/^[^:\s]+:[^:\s]+$/.test(value)) {
    // The value is a secret, even a mistyped one: never repeat it.
    throw new ConfigError('--token must have the form uuid:key (what `wsk property get --auth` shows); the value given is not shown');
  }
  if (key === 'host') checkUrl('--host', /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`, value, 'a host name or an http(s) URL, e.g. --host https://openwhisk.example.org');
  if (key === 'endpoint') checkUrl('--endpoint', value, value, 'an http(s) URL, e.g. --endpoint http://127.0.0.1:5000');
  if (value.trim() === '') throw new ConfigError(`${CONNECTION_FLAGS[key].flag} must not be empty`);
}

function checkUrl(flag: string, candidate: string, given: string, what: string): void {
  let url: URL | undefined;
  try {
    url = new URL(candidate);
  } catch {
    url = undefined;
  }
  if (url && (url.username || url.password)) throw new ConfigError(`${flag} must not carry credentials (the value given is not shown): give the host alone, and the token with --token`);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    // A value with an "@" may hold credentials: never repeat it.
    throw new ConfigError(`${flag} ${given.includes('@') ? '(the value given is not shown)' : `"${given}"`} is not ${what}`);
  }
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
