import type { Invocation } from '../../src/invocation.js';
import type { Future, Settled } from '../futures/types.js';
import { WorkflowCodeError, errorFromInfo } from './errors.js';
import type { RunState } from './run-state.js';

/**
 * The future of one slot of a workflow run (`M001/17`): done once the run's log holds its result.
 * `verified` settles when the call at its position has been checked against the log (or sent),
 * so a call that is not what the log says rejects with the `NonDeterminismError` instead of an old result.
 */
export class SlotFuture<O> implements Future<O> {
  readonly key: string;
  readonly #state: RunState;
  readonly #verified: Promise<void>;

  constructor(state: RunState, slot: string, verified: Promise<void>) {
    this.key = slot;
    this.#state = state;
    this.#verified = verified;
  }

  get done(): boolean {
    return this.#state.history.result(this.key) !== undefined;
  }

  async settled(): Promise<Settled<O>> {
    await this.#verified;
    await this.#state.waitFor([this.key], 1);
    const result = this.#state.history.result(this.key)!;
    // The log holds what the function returned for a call typed Deployable<I, O>.
    return result.ok ? { status: 'succeeded', output: result.output as O } : { status: result.error.class === 'aborted' ? 'aborted' : 'failed', error: result.error };
  }

  async result(options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<O> {
    if (options.timeoutMs !== undefined || options.signal !== undefined) {
      throw new WorkflowCodeError(`${this.key}: result() in workflow code takes no timeoutMs or signal (they are not replayable); use ctx.wait(futures, { timeoutMs }), which is a durable timer`);
    }
    const settled = await this.settled();
    if (settled.status === 'succeeded') return settled.output;
    throw errorFromInfo(settled.error);
  }

  /** Workflow calls run in an action worker, which keeps the records: none here. */
  record(): Invocation<unknown, O> | undefined {
    return undefined;
  }
}
