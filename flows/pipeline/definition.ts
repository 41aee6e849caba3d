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

/** The key under which a pipeline hands out its definition, the same in every copy of falco. */
export const DEFINITION_OF = Symbol.for('falco.pipeline.definition');

/** The definition of a pipeline object (made by any copy of falco); undefined for anything else. */
export function definitionOf(value: unknown): PipelineDefinition | undefined {
  const read = (value as { [DEFINITION_OF]?: unknown } | null | undefined)?.[DEFINITION_OF];
  return typeof read === 'function' ? (read as () => PipelineDefinition)() : undefined;
}
