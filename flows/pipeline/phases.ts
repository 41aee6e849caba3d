import type { Step } from './steps.js';

/** The steps one phase runs, `[from, to)`: it runs in one process, and its end is forwarded. */
export interface PhaseSpan {
  readonly index: number;
  readonly from: number;
  readonly to: number;
}

/** Faasflow's rule: consecutive sync steps form one phase; an async apply ends its phase. */
export function phasesOf(steps: readonly Step[]): PhaseSpan[] {
  const phases: PhaseSpan[] = [];
  let from = 0;
  steps.forEach((step, position) => {
    if (step.kind === 'apply' && !step.sync) {
      phases.push({ index: phases.length, from, to: position + 1 });
      from = position + 1;
    }
  });
  if (from < steps.length || phases.length === 0) phases.push({ index: phases.length, from, to: steps.length });
  return phases;
}
