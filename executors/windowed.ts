import type { Invocation } from '../src/invocation.js';
import type { PhaseExecution } from '../src/phase-execution.js';

/**
 * Starts the phase's invocations in order, keeping at most `window()` of them open (in flight,
 * waiting for a slot, or backing off) so a phase of a million holds state only for those started.
 * The window is read again whenever one ends, so it can follow a changing concurrency. Records come
 * off a synchronous source without a promise each, and each invocation ending starts the next.
 */
export function runWindowed<I, O>(execution: PhaseExecution<I, O>, window: () => number): Promise<void> {
  return new Promise((resolve) => {
    let open = 0;
    let reading = false;
    let exhausted = false;
    const ended = (): void => {
      open--;
      fill();
    };
    const start = (invocation: Invocation<I, O>): void => {
      open++;
      void execution.run(invocation).then(ended);
      if (execution.stopped) exhausted = true;
    };
    const fill = (): void => {
      while (!exhausted && !reading && open < window()) {
        const next = execution.take();
        if (next instanceof Promise) {
          reading = true;
          void next.then((invocation) => {
            reading = false;
            if (invocation) start(invocation);
            else exhausted = true;
            fill();
          });
        } else if (next) start(next);
        else exhausted = true;
      }
      if (exhausted && !reading && open === 0) resolve();
    };
    fill();
  });
}
