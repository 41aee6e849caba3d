import pLimit from 'p-limit';
import { z } from 'zod';
import { BaseExecutor, commonExecutorSchema, parseExecutorOptions, type PhaseExecution } from '../src/index.js';

const schema = commonExecutorSchema.extend({
  /** The most calls in flight at once. */
  concurrency: z.number().int('must be a whole number').positive('must be 1 or more').default(64),
});

export type ConcurrentExecutorOptions = z.input<typeof schema>;

/**
 * Up to `concurrency` calls in flight. A slot is held only while a call is in flight: an
 * invocation sleeping before a retry gives its slot to the next one. Invocations are admitted
 * lazily, so a phase of a million holds state only for those started.
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
    const limit = pLimit(this.concurrency);
    // Started but not ended: in flight, queued for a slot, or backing off before a retry.
    const window = this.concurrency * 2;
    let open = 0;
    let wake: (() => void) | undefined;
    const ended = (): void => {
      open--;
      const resume = wake;
      wake = undefined;
      resume?.();
    };
    for (const invocation of execution.invocations) {
      while (open >= window) await new Promise<void>((resolve) => (wake = resolve));
      if (execution.stopped) break;
      open++;
      void execution.run(invocation, limit).then(ended);
    }
    while (open > 0) await new Promise<void>((resolve) => (wake = resolve));
  }
}
