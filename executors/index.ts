export { AsyncExecutor, type AsyncExecutorOptions } from './async.js';
export { BatchedExecutor, type BatchedExecutorOptions } from './batched.js';
export { ConcurrentExecutor, type ConcurrentExecutorOptions } from './concurrent.js';
export { SequentialExecutor, type SequentialExecutorOptions } from './sequential.js';
export { createExecutor, EXECUTOR_NAMES } from './create.js';
export type { PacingOptions } from './pacing.js';
