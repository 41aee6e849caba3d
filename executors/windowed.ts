import type { PhaseExecution } from '../src/phase-execution.js';

/**
 * Starts the phase's invocations in order, keeping at most `window()` of them open (in flight,
 * waiting for a slot, or backing off) so a phase of a million holds state only for those started.
 * The window is read again for each invocation, so it can follow a changing concurrency.
 */
export async function runWindowed<I, O>(execution: PhaseExecution<I, O>, window: () => number): Promise<void> {
  let open = 0;
  let wake: (() => void) | undefined;
  const ended = (): void => {
    open--;
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const someEnded = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  for await (const invocation of execution.invocations) {
    while (open >= window()) await someEnded();
    open++;
    void execution.run(invocation).then(ended);
    if (execution.stopped) break;
  }
  while (open > 0) await someEnded();
}
