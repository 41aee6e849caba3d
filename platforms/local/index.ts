export { cleanupLocal } from './leftovers.js';
export { LocalPlatform } from './platform.js';
export type { LocalPlatformOptions } from './options.js';
