import { ConfigError } from '../src/errors.js';
import type { Executor } from '../src/executor.js';
import { AsyncExecutor } from './async.js';
import { BatchedExecutor } from './batched.js';
import { ConcurrentExecutor } from './concurrent.js';
import { SequentialExecutor } from './sequential.js';

export const EXECUTOR_NAMES = ['sequential', 'concurrent', 'batched', 'async'] as const;

/** An executor by name, for command lines: `concurrency` sets the concurrent/async limit and the batch size. */
export function createExecutor(name: string, options: { concurrency?: number } = {}): Executor {
  const { concurrency } = options;
  switch (name) {
    case 'sequential':
      return new SequentialExecutor();
    case 'concurrent':
      return new ConcurrentExecutor(concurrency === undefined ? {} : { concurrency });
    case 'batched':
      return new BatchedExecutor(concurrency === undefined ? {} : { batchSize: concurrency });
    case 'async':
      return new AsyncExecutor(concurrency === undefined ? {} : { concurrency });
  }
  throw new ConfigError(`unknown executor "${name}": use one of ${EXECUTOR_NAMES.join(', ')}`);
}
