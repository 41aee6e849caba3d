export { SimulatedPlatform, type SimulatedPlatformOptions } from './simulated-platform.js';
export type { Latency } from './latency.js';
