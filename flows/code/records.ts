import type { ErrorInfo } from '../../src/invocation.js';
import type { EventFilter, Json } from '../../stores/ports/workspace.js';

/** When the writer appended a record, ms since the epoch by its clock; absent in logs written before records had times. */
export type Appended = { readonly at?: number };

/** What a position in the code did: invoke a function (once, or a map), sleep, wait for an event, run a child, or draw a value. */
export type CallOp = 'invoke' | 'sleep' | 'event' | 'child' | 'value';

/** The run began: which workflow, with what input, and (for a child) whose slot its end completes. */
export type StartedRecord = Appended & {
  readonly kind: 'started';
  readonly workflow: string;
  readonly input: Json;
  readonly parent?: { readonly run: string; readonly slot: string };
  /** The module the workflow came from, when the command line started it: `falco workflow resume` loads it again. */
  readonly module?: string;
};

/** A position's call was made: what identifies it for the determinism check, and what replay needs. */
export type CallRecord = Appended & {
  readonly kind: 'call';
  /** `A000`, `M001`: a letter for the kind of call, then its number in the order the code makes calls. */
  readonly position: string;
  readonly op: CallOp;
  /** invoke: the deployable's digest; child: the workflow's name. */
  readonly target?: string;
  /** A digest of the inputs (invoke, child) or the filter (event). */
  readonly inputs?: string;
  /** invoke: how many calls (slots `<position>/0` … `<position>/<count-1>`). */
  readonly count?: number;
  /** sleep: when it ends, ms since the epoch. */
  readonly dueAt?: number;
  readonly filter?: EventFilter;
  /** value: what `now()` or `random()` returned. */
  readonly value?: number;
};

/** How one slot (`<position>/<index>`) ended. `epoch` counts the retries a resume asked for (0 first). */
export type ResultRecord = Appended &
  ({ readonly kind: 'result'; readonly slot: string; readonly epoch: number; readonly ok: true; readonly output: Json } | { readonly kind: 'result'; readonly slot: string; readonly epoch: number; readonly ok: false; readonly error: ErrorInfo });

/** A resume retries these failed slots: their failures are forgotten, and they run again under `epoch`. */
export type RetryRecord = Appended & {
  readonly kind: 'retry';
  readonly epoch: number;
  readonly slots: readonly string[];
};

/** The retried slots' commands went out. */
export type DispatchedRecord = Appended & {
  readonly kind: 'dispatched';
  readonly epoch: number;
  readonly slots: readonly string[];
};

/**
 * The run's coordinator is a function, and an invocation of it failed or was given up (the action
 * worker's delivery cap): nothing wakes the run again until a resume carries it on.
 */
export type StalledRecord = Appended & {
  readonly kind: 'stalled';
  /** The idempotency key of the coordinator's invoke command. */
  readonly command: string;
  readonly error: ErrorInfo;
  /** How often the command was handed out, when the delivery cap gave it up. */
  readonly deliveries?: number;
};

/** A coordinator ran again after the run stalled. */
export type ResumedRecord = Appended & { readonly kind: 'resumed' };

export type FinishedRecord = Appended & ({ readonly kind: 'finished'; readonly ok: true; readonly output: Json } | { readonly kind: 'finished'; readonly ok: false; readonly error: ErrorInfo });

export type CodeRecord = StartedRecord | CallRecord | ResultRecord | RetryRecord | DispatchedRecord | StalledRecord | ResumedRecord | FinishedRecord;

/** The records as they are appended now: each given the writer's time, unless it has one (what a log already holds keeps its own). */
export function appendedNow<R extends CodeRecord>(records: readonly R[], now = Date.now()): R[] {
  return records.map((record) => (record.at === undefined ? { ...record, at: now } : record));
}
