import type { CongestionController } from '../src/congestion/controller.js';
import { BaseExecutor, commonExecutorSchema, parseExecutorOptions, type CommonExecutorOptions } from '../src/executor.js';
import type { PhaseExecution } from '../src/phase-execution.js';
import type { Platform } from '../src/platform.js';
import type { Expect, MatchesSchema } from '../src/schema-check.js';
import { checkPacing, pacing, pacingOptions, type PacingOptions } from './pacing.js';
import { runWindowed } from './windowed.js';

const schema = commonExecutorSchema.extend(pacingOptions);

/** The concurrent executor's options: the common ones, and its pacing. */
export interface ConcurrentExecutorOptions extends CommonExecutorOptions, PacingOptions {}

type _Check = Expect<MatchesSchema<ConcurrentExecutorOptions, typeof schema>>;

/**
 * Calls in flight at once, up to `concurrency` or as congestion control allows (by default the
 * platform's choice: AIMD on cloud platforms). A slot is held only while a call is in flight: an
 * invocation sleeping before a retry gives its slot to the next one.
 */
export class ConcurrentExecutor extends BaseExecutor {
  readonly name = 'concurrent';
  readonly #pacing: { concurrency?: number | undefined; congestion?: unknown };

  constructor(options: ConcurrentExecutorOptions = {}) {
    const parsed = parseExecutorOptions(schema, options, 'ConcurrentExecutor');
    checkPacing(parsed, 'ConcurrentExecutor');
    super(parsed);
    this.#pacing = parsed;
  }

  protected congestion(platform: Platform): CongestionController {
    return pacing(this.#pacing, platform, 'ConcurrentExecutor');
  }

  protected async schedule<I, O>(execution: PhaseExecution<I, O>): Promise<void> {
    // Room for those backing off before a retry (up to as many again), so they do not starve the
    // slots; no more, as an invocation opened early only waits for a slot, and holds memory.
    await runWindowed(execution, () => {
      const concurrency = execution.concurrency;
      return Math.max(16, concurrency + Math.min(concurrency, execution.recovering));
    });
  }
}
