import {
  BaseExecutor,
  commonExecutorSchema,
  fixedConcurrency,
  parseExecutorOptions,
  type CommonExecutorOptions,
  type CongestionController,
  type PhaseExecution,
} from '../src/index.js';

export type SequentialExecutorOptions = CommonExecutorOptions;

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
