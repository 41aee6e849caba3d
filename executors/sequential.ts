import type { CongestionController } from '../src/congestion/controller.js';
import { fixedConcurrency } from '../src/congestion/fixed.js';
import { BaseExecutor, commonExecutorSchema, parseExecutorOptions, type CommonExecutorOptions } from '../src/executor.js';
import type { PhaseExecution } from '../src/phase-execution.js';

/** The sequential executor takes only the common options. */
export interface SequentialExecutorOptions extends CommonExecutorOptions {}

/** One invocation at a time, in plan order; each ends (retries included) before the next starts. */
export class SequentialExecutor extends BaseExecutor {
  readonly name = 'sequential';

  constructor(options: SequentialExecutorOptions = {}) {
    super(parseExecutorOptions(commonExecutorSchema, options, 'SequentialExecutor'));
  }

  protected congestion(): CongestionController {
    return fixedConcurrency(1);
  }

  protected async schedule<I, O>(execution: PhaseExecution<I, O>): Promise<void> {
    for await (const invocation of execution.invocations) {
      await execution.run(invocation);
      if (execution.stopped) return;
    }
  }
}
