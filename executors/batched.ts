import { z } from 'zod';
import { sleep } from '../src/clock.js';
import type { CongestionController } from '../src/congestion/controller.js';
import { fixedConcurrency } from '../src/congestion/fixed.js';
import { BaseExecutor, commonExecutorSchema, parseExecutorOptions, type CommonExecutorOptions } from '../src/executor.js';
import type { Invocation } from '../src/invocation.js';
import type { PhaseExecution } from '../src/phase-execution.js';
import type { Expect, MatchesSchema } from '../src/schema-check.js';

const schema = commonExecutorSchema.extend({
  /** Invocations per batch; all of a batch run at once. */
  batchSize: z.number().int('must be a whole number').positive('must be 1 or more').default(100),
  /** Pause between the end of one batch and the start of the next, in ms. */
  pauseMs: z.number().min(0, 'must be 0 or more').default(0),
});

/** The batched executor's options: the common ones, and its batches. */
export interface BatchedExecutorOptions extends CommonExecutorOptions {
  /** Invocations per batch; all of a batch run at once. @default 100 */
  readonly batchSize?: number | undefined;
  /** Pause between the end of one batch and the start of the next, in milliseconds. @default 0 */
  readonly pauseMs?: number | undefined;
}

type _Check = Expect<MatchesSchema<BatchedExecutorOptions, typeof schema>>;

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
    let batch: Invocation<I, O>[] = [];
    let started = false;
    const runBatch = async (): Promise<void> => {
      // A phase stop cuts the pause short; `run` then ends the batch aborted.
      if (started && this.pauseMs > 0) await sleep(this.pauseMs, execution.signal).catch(() => {});
      started = true;
      await Promise.all(batch.map((invocation) => execution.run(invocation)));
      batch = [];
    };
    for await (const invocation of execution.invocations) {
      batch.push(invocation);
      if (batch.length === this.batchSize) await runBatch();
      if (execution.stopped) break;
    }
    if (batch.length > 0) await runBatch();
  }
}
