import pLimit from 'p-limit';
import { z } from 'zod';
import { BaseExecutor, commonExecutorSchema, parseExecutorOptions, type PhaseExecution } from '../src/index.js';
import { runWindowed } from './windowed.js';

const schema = commonExecutorSchema.extend({
  /** The most calls in flight at once. */
  concurrency: z.number().int('must be a whole number').positive('must be 1 or more').default(64),
});

export type ConcurrentExecutorOptions = z.input<typeof schema>;

/**
 * Up to `concurrency` calls in flight. A slot is held only while a call is in flight: an
 * invocation sleeping before a retry gives its slot to the next one.
 */
export class ConcurrentExecutor extends BaseExecutor {
  readonly name = 'concurrent';
  readonly concurrency: number;

  constructor(options: ConcurrentExecutorOptions = {}) {
    const parsed = parseExecutorOptions(schema, options, 'ConcurrentExecutor');
    super(parsed);
    this.concurrency = parsed.concurrency;
  }

  protected async schedule<I, O>(execution: PhaseExecution<I, O>): Promise<void> {
    // Twice the concurrency: invocations backing off before a retry do not starve the slots.
    await runWindowed(execution, pLimit(this.concurrency), this.concurrency * 2);
  }
}
