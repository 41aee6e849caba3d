export { SimulatedPlatform } from './simulated-platform.js';
export type { SimulatedPlatformOptions } from './options.js';
export type { Latency } from './latency.js';
