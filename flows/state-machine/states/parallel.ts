import { effectiveInput } from '../runtime.js';
import { fanOutAction } from './fan-out.js';

/** Parallel: every branch runs on the effective input; the output is the branches' outputs, in order. */
export const parallelAction = fanOutAction('Parallel', {
  inputs: (call, input) => {
    const effective = effectiveInput(call, input);
    return call.options.starts!.map(() => effective);
  },
  startOf: (call, index) => call.options.starts![index]!,
  concurrency: () => 0,
});
