import { ConfigError } from '../src/errors.js';
import type { Platform } from '../src/platform.js';
import type { GcfOptions } from './gcf/options.js';
import type { GcfPlatform } from './gcf/platform.js';
import type { CleanupLambdaOptions } from './lambda/cleanup.js';
import type { LambdaOptions } from './lambda/options.js';
import type { LambdaPlatform } from './lambda/platform.js';
import type { LocalPlatformOptions } from './local/options.js';
import type { LocalPlatform } from './local/platform.js';
import type { OpenWhiskOptions } from './openwhisk/options.js';
import type { OpenWhiskPlatform } from './openwhisk/platform.js';
import type { CleanupResult } from './shared/cleanup.js';
import type { SimulatedPlatformOptions } from './simulated/options.js';
import type { SimulatedPlatform } from './simulated/simulated-platform.js';

export const PLATFORM_NAMES = ['local', 'simulated', 'openwhisk', 'lambda', 'gcf'] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

export type { CleanupResult } from './shared/cleanup.js';

/** Each platform by name: the adapter `createPlatform` makes, and the options it and `cleanupPlatform` take. */
export interface Platforms {
  local: { platform: LocalPlatform; options: LocalPlatformOptions; cleanup: Record<string, never> };
  simulated: { platform: SimulatedPlatform; options: SimulatedPlatformOptions; cleanup: Record<string, never> };
  openwhisk: { platform: OpenWhiskPlatform; options: OpenWhiskOptions; cleanup: OpenWhiskOptions };
  lambda: { platform: LambdaPlatform; options: LambdaOptions; cleanup: CleanupLambdaOptions };
  gcf: { platform: GcfPlatform; options: GcfOptions; cleanup: GcfOptions };
}

/**
 * What a platform named `N` takes. A name known only at run time (any `PlatformName`, say one the
 * CLI read) takes any options object, which the adapter checks when it is made.
 */
export type PlatformOptionsOf<N extends PlatformName, Kind extends 'options' | 'cleanup' = 'options'> = [PlatformName] extends [N]
  ? Readonly<Record<string, unknown>>
  : Platforms[N][Kind];

/** Checks a platform name read at run time (a flag, a config file): an unknown one is a ConfigError listing the known ones. */
export function parsePlatformName(name: string): PlatformName {
  const known: readonly string[] = PLATFORM_NAMES;
  if (!known.includes(name)) throw new ConfigError(`unknown platform "${name}": use one of ${PLATFORM_NAMES.join(', ')}`);
  return name as PlatformName;
}

/**
 * Creates a platform adapter by name; its options and the adapter's class follow from the name.
 * Each adapter (and its cloud SDK) is imported only here, on first use, so `import 'falco'` stays light.
 */
export function createPlatform<N extends PlatformName>(name: N, options?: PlatformOptionsOf<N>): Promise<Platforms[N]['platform']>;
export async function createPlatform(name: string, options: object = {}): Promise<Platform> {
  switch (parsePlatformName(name)) {
    case 'local':
      return new (await import('./local/index.js')).LocalPlatform(options);
    case 'simulated':
      return new (await import('./simulated/index.js')).SimulatedPlatform(options);
    case 'openwhisk':
      return new (await import('./openwhisk/index.js')).OpenWhiskPlatform(options);
    case 'lambda':
      return new (await import('./lambda/index.js')).LambdaPlatform(options);
    case 'gcf':
      return new (await import('./gcf/index.js')).GcfPlatform(options);
  }
}

/**
 * Lists and deletes the functions falco deployed on a cloud platform and never removed (a killed
 * run, say), found by falco's name prefix; on the local platform, the code directories that runs
 * no longer running left in the temp dir. Simulated deployments die with the process.
 */
export function cleanupPlatform<N extends PlatformName>(name: N, options?: PlatformOptionsOf<N, 'cleanup'>): Promise<CleanupResult>;
export async function cleanupPlatform(name: string, options: object = {}): Promise<CleanupResult> {
  switch (parsePlatformName(name)) {
    case 'openwhisk':
      return (await import('./openwhisk/index.js')).cleanupOpenWhisk(options);
    case 'lambda':
      return (await import('./lambda/index.js')).cleanupLambda(options);
    case 'gcf':
      return (await import('./gcf/index.js')).cleanupGcf(options);
    case 'local':
      return (await import('./local/index.js')).cleanupLocal();
    case 'simulated':
      return { removed: [], failed: [] };
  }
}
