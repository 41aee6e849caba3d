export { cleanupOpenWhisk } from './cleanup.js';
export type { OpenWhiskOptions } from './options.js';
export { OpenWhiskPlatform } from './platform.js';
