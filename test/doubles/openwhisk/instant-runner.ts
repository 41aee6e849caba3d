import type { Action, RunReport } from './entities.js';
import type { ActionRunner } from './state.js';

/** Answers every activation at once with its arguments: the double's own cost, for benchmarks. */
export class InstantRunner implements ActionRunner {
  async run(_action: Action, args: object): Promise<RunReport> {
    const now = Date.now();
    return { status: 'success', result: args, start: now, end: now, timedOut: false };
  }

  async forget(): Promise<void> {}

  async close(): Promise<void> {}
}
