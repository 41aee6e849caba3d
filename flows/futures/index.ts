/** Futures, map and mapReduce (Lithops' FunctionExecutor) on falco's executors and platforms. */
export { futureExecutor, FutureExecutor, type FutureExecutorOptions } from './executor.js';
export { getResult, wait } from './wait.js';
export { partition, type Chunk, type DataSource, type FileRange, type PartitionOptions } from './partitioner.js';
export type { Files, MapInputs, MapOptions } from './inputs.js';
export type { MapReduceFutures, MapReduceOptions, ReduceInput } from './reduce.js';
export { UpstreamFailedError } from './errors.js';
export type { Future, GetResultOptions, ReturnWhen, Settled, WaitOptions, WaitResult } from './types.js';
