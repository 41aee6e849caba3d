import { z } from 'zod';
import {
  BaseExecutor,
  commonExecutorSchema,
  fixedConcurrency,
  parseExecutorOptions,
  sleep,
  type CongestionController,
  type PhaseExecution,
} from '../src/index.js';

const schema = commonExecutorSchema.extend({
  /** Invocations per batch; all of a batch run at once. */
  batchSize: z.number().int('must be a whole number').positive('must be 1 or more').default(100),
  /** Pause between the end of one batch and the start of the next, in ms. */
  pauseMs: z.number().min(0, 'must be 0 or more').default(0),
});

export type BatchedExecutorOptions = z.input<typeof schema>;

/** Runs the phase in batches; each batch starts when the one before has ended (retries included). */
export class BatchedExecutor extends BaseExecutor {
  readonly name = 'batched';
  readonly batchSize: number;
  readonly pauseMs: number;

  constructor(options: BatchedExecutorOptions = {}) {
    const parsed = parseExecutorOptions(schema, options, 'BatchedExecutor');
    super(parsed);
    this.batchSize = parsed.batchSize;
    this.pauseMs = parsed.pauseMs;
  }

  protected congestion(): CongestionController {
    return fixedConcurrency(this.batchSize);
  }

  protected async schedule<I, O>(execution: PhaseExecution<I, O>): Promise<void> {
    const { invocations } = execution;
    for (let start = 0; start < invocations.length && !execution.stopped; start += this.batchSize) {
      if (start > 0 && this.pauseMs > 0) {
        try {
          await sleep(this.pauseMs, execution.signal);
        } catch {
          return;
        }
      }
      const batch = invocations.slice(start, start + this.batchSize);
      await Promise.all(batch.map((invocation) => execution.run(invocation)));
    }
  }
}
