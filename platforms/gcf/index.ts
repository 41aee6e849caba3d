export { cleanupGcf } from './cleanup.js';
export type { GcfDeployment } from './function-spec.js';
export type { GcfOptions } from './options.js';
export { GcfPlatform } from './platform.js';
