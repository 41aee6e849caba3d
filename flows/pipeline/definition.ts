import type { PhaseSpan } from './phases.js';
import type { FailureHandler, FinallyHandler, Step } from './steps.js';

/** Everything a process needs to run any phase of a pipeline's requests: the same in every process. */
export interface PipelineDefinition {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly phases: readonly PhaseSpan[];
  readonly onFailure?: FailureHandler<unknown>;
  readonly finally?: FinallyHandler<unknown>;
}
