import type { Activation } from './entities.js';
import type { Faults } from './faults.js';
import type { Action, RunReport } from './entities.js';

/** Runs an action's activation: for real on the local platform, or instantly for benchmarks. */
export interface ActionRunner {
  run(action: Action, args: object, activationId: string): Promise<RunReport>;
  /** The action was deleted or replaced. */
  forget(action: Action): Promise<void>;
  close(): Promise<void>;
}

/** Everything the double's handlers share. */
export interface DoubleState {
  readonly namespace: string;
  readonly subject: string;
  readonly actions: Map<string, Action>;
  readonly activations: Map<string, Activation>;
  readonly faults: Faults;
  readonly runner: ActionRunner;
  /** How long a blocking invoke waits before it answers 202 with the activation id, as OpenWhisk's 60 s. */
  readonly blockingWaitMs: number;
  /** The action kinds this "deployment" offers. */
  readonly kinds: readonly string[];
  readonly memoryMB: { readonly min: number; readonly max: number };
}

export interface Reply {
  readonly status: number;
  readonly body: string | object;
  readonly headers?: Record<string, string>;
}
