import type { Action, Activation } from './entities.js';
import type { Faults } from './faults.js';
import type { LocalRunner } from './runner.js';

/** Everything the double's handlers share. */
export interface DoubleState {
  readonly namespace: string;
  readonly subject: string;
  readonly actions: Map<string, Action>;
  readonly activations: Map<string, Activation>;
  readonly faults: Faults;
  readonly runner: LocalRunner;
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
