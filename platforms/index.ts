import { ConfigError } from '../src/errors.js';
import type { Platform } from '../src/platform.js';
import type { CleanupResult } from './shared/cleanup.js';

export const PLATFORM_NAMES = ['local', 'simulated', 'openwhisk', 'lambda', 'gcf'] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

export type { CleanupResult } from './shared/cleanup.js';

/**
 * Creates a platform adapter by name. Each adapter (and its cloud SDK) is imported only here, on
 * first use, so `import 'falco'` stays light.
 */
export async function createPlatform(name: string, options: Record<string, unknown> = {}): Promise<Platform> {
  switch (checkName(name)) {
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
export async function cleanupPlatform(name: string, options: Record<string, unknown> = {}): Promise<CleanupResult> {
  switch (checkName(name)) {
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

function checkName(name: string): PlatformName {
  if (!(PLATFORM_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown platform "${name}": use one of ${PLATFORM_NAMES.join(', ')}`);
  }
  return name as PlatformName;
}
