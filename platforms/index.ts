import { ConfigError, type Platform } from '../src/index.js';

export const PLATFORM_NAMES = ['local', 'simulated'] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

/**
 * Creates a platform adapter by name. Each adapter (and its cloud SDK) is imported only here, on
 * first use, so `import 'falco'` stays light.
 */
export async function createPlatform(name: string, options: Record<string, unknown> = {}): Promise<Platform> {
  switch (name as PlatformName) {
    case 'local': {
      const { LocalPlatform } = await import('./local/index.js');
      return new LocalPlatform(options);
    }
    case 'simulated': {
      const { SimulatedPlatform } = await import('./simulated/index.js');
      return new SimulatedPlatform(options);
    }
  }
  throw new ConfigError(`unknown platform "${name}": use one of ${PLATFORM_NAMES.join(', ')}`);
}
