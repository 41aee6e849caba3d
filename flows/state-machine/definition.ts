import type { Json, JsonObject } from '../../stores/ports/workspace.js';
import type { ChoiceRule } from './choice.js';

/**
 * The subset of the Amazon States Language (JSONPath flavour) falco runs. Writing a definition
 * as this type gets it checked by the compiler; a definition read from JSON is checked by
 * `parseStateMachine`, which names each state that is wrong and how to fix it.
 */
export interface StateMachineDefinition extends Machine {
  readonly Comment?: string;
  readonly Version?: string;
}

/** A machine: the top level, a Parallel branch, or a Map's item processor. */
export interface Machine {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
  readonly Comment?: string;
  /** Only the inline mode runs here (iterations are states of this machine's workspace). */
  readonly ProcessorConfig?: { readonly Mode: 'INLINE' };
}

export type State = PassState | TaskState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState;

export const STATE_TYPES = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;
export type StateType = (typeof STATE_TYPES)[number];

/** `null` discards (InputPath/OutputPath: `{}` goes on; ResultPath: the input goes on unchanged). */
type Path = string | null;

interface Base {
  readonly Comment?: string;
  readonly InputPath?: Path;
  readonly OutputPath?: Path;
}

/** Exactly one of them: the next state by name, or the end of this machine. */
type Transition = { readonly Next: string; readonly End?: false } | { readonly End: true; readonly Next?: undefined };

export interface Retrier {
  /** Error names this retrier handles; `States.ALL` (alone, in the last retrier) handles all. */
  readonly ErrorEquals: readonly string[];
  /** @default 1 */
  readonly IntervalSeconds?: number;
  /** @default 3 */
  readonly MaxAttempts?: number;
  /** @default 2 */
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  /** Where the error `{ Error, Cause }` goes in the state's input. @default "$" */
  readonly ResultPath?: Path;
}

interface Recovers {
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

interface Results {
  readonly Parameters?: JsonObject;
  readonly ResultSelector?: JsonObject;
  readonly ResultPath?: Path;
}

export type PassState = Base & Transition & { readonly Type: 'Pass'; readonly Result?: Json; readonly Parameters?: JsonObject; readonly ResultPath?: Path };

/** Runs a deployable registered with the run under the name `Resource`. */
export type TaskState = Base & Transition & Results & Recovers & { readonly Type: 'Task'; readonly Resource: string };

export type ChoiceState = Base & { readonly Type: 'Choice'; readonly Choices: readonly ChoiceRule[]; readonly Default?: string };

/** Waits through the store's timers: exactly one of the four fields. */
export type WaitState = Base &
  Transition & {
    readonly Type: 'Wait';
    readonly Seconds?: number;
    readonly Timestamp?: string;
    readonly SecondsPath?: string;
    readonly TimestampPath?: string;
  };

export type SucceedState = Base & { readonly Type: 'Succeed' };

export type FailState = { readonly Type: 'Fail'; readonly Comment?: string; readonly Error?: string; readonly Cause?: string };

export type ParallelState = Base & Transition & Results & Recovers & { readonly Type: 'Parallel'; readonly Branches: readonly Machine[] };

export type MapState = Base &
  Transition &
  Results &
  Recovers & {
    readonly Type: 'Map';
    /** `Iterator` is the older name and is read too. */
    readonly ItemProcessor?: Machine;
    readonly Iterator?: Machine;
    /** @default "$" */
    readonly ItemsPath?: string;
    /** Builds each iteration's input; `$$.Map.Item.Value` and `$$.Map.Item.Index` name the item. */
    readonly ItemSelector?: JsonObject;
    /** At most this many iterations run at once; 0 means no limit. @default 0 */
    readonly MaxConcurrency?: number;
  };
