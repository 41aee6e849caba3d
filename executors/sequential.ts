import pLimit from 'p-limit';
import { BaseExecutor, commonExecutorSchema, parseExecutorOptions, type CommonExecutorOptions, type PhaseExecution } from '../src/index.js';

export type SequentialExecutorOptions = CommonExecutorOptions;

/** One invocation at a time, in plan order; each ends (retries included) before the next starts. */
export class SequentialExecutor extends BaseExecutor {
  readonly name = 'sequential';

  constructor(options: SequentialExecutorOptions = {}) {
    super(parseExecutorOptions(commonExecutorSchema, options, 'SequentialExecutor'));
  }

  protected async schedule<I, O>(execution: PhaseExecution<I, O>): Promise<void> {
    const limit = pLimit(1);
    for (const invocation of execution.invocations) {
      if (execution.stopped) return;
      await execution.run(invocation, limit);
    }
  }
}
