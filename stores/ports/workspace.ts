import { brand } from '../../src/brand.js';
import { ConfigError, TransientError } from '../../src/errors.js';
import type { FalcoEvent } from './event.js';
import type { EventStream } from './event-stream.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The workspace named does not exist: create it first (`createWorkspace`, `falco triggers add --create`). */
export class WorkspaceNotFoundError extends ConfigError {
  static {
    brand(this, 'WorkspaceNotFoundError');
  }
}

/**
 * A checkpoint's `expect` did not hold: another writer changed (or created, or deleted) a trigger
 * since it was read. Nothing was written; read the triggers again and redo the batch.
 */
export class CheckpointConflictError extends TransientError {
  static {
    brand(this, 'CheckpointConflictError');
  }
}

/** Checks a named stream's name (`WorkspaceStore.stream`); returns it. */
export function checkStreamName(name: string): string {
  if (!/^[\w.:-]{1,200}$/.test(name)) throw new ConfigError(`"${name}" cannot name a stream: use 1 to 200 letters, digits, ".", "_", "-" or ":"`);
  return name;
}

/** A checkpoint's `ack` and `acks` as one list, the stream names checked. */
export function checkpointAcks(checkpoint: Checkpoint): StreamAck[] {
  const acks: StreamAck[] = [...(checkpoint.ack ? [{ stream: 'events' as const, ...checkpoint.ack }] : []), ...(checkpoint.acks ?? [])];
  for (const { stream } of acks) if (typeof stream === 'object') checkStreamName(stream.name);
  return acks.filter((ack) => ack.entryIds.length > 0);
}

/** The `fired` counts a checkpoint's `expect` names that the stored triggers do not have, as a conflict; undefined when all hold. */
export function expectationMiss(expect: Checkpoint['expect'], firedOf: (id: string) => number | undefined): CheckpointConflictError | undefined {
  for (const [id, fired] of Object.entries(expect ?? {})) {
    const stored = firedOf(id) ?? null;
    if (stored !== fired) return new CheckpointConflictError(`trigger "${id}" changed since it was read (fired ${stored ?? 'absent'}, expected ${fired ?? 'absent'}): read it again and redo the batch`);
  }
  return undefined;
}

/** The `fired` counts of the records whose id starts with `prefix`, by id (`triggerVersions` of the embedded stores). */
export function versionsOf(records: Iterable<TriggerRecord>, prefix: string): Record<string, number> {
  const versions: Record<string, number> = {};
  for (const record of records) if (record.spec.id.startsWith(prefix)) versions[record.spec.id] = record.fired;
  return versions;
}

/** Which events activate a trigger: by `type`, and by `subject` where given. */
export interface EventFilter {
  readonly type: string;
  readonly subject?: string | undefined;
  /** `exact` (the default) compares whole strings; `prefix` matches a type or subject that starts with the one given. */
  readonly match?: 'exact' | 'prefix' | undefined;
}

/** A condition or action by its registered name, with JSON options: never code. */
export interface NamedRef {
  readonly name: string;
  readonly options?: JsonObject | undefined;
}

/** A trigger as a user defines it: when (activation, condition), what (action), with what state (context). */
export interface TriggerSpec {
  readonly id: string;
  readonly activation: readonly EventFilter[];
  readonly condition: NamedRef;
  readonly action: NamedRef;
  /** The trigger's initial context; conditions and actions read and change it. @default {} */
  readonly context?: JsonObject | undefined;
  /** A transient trigger is removed once it fires; a persistent one fires again. @default true */
  readonly transient?: boolean | undefined;
}

/** A trigger as the store keeps it: the spec and the state the events applied so far built. */
export interface TriggerRecord {
  readonly spec: TriggerSpec;
  readonly context: JsonObject;
  /**
   * The stream entry id of the last event applied to this trigger. Entry ids are ordered, so an
   * entry at or before it is a redelivery and is skipped: a context never counts an event twice.
   */
  readonly lastEntryId?: string;
  /** How often it has fired. */
  readonly fired: number;
}

/** An event the store fires into the workspace's event stream at `dueAt` (ms since the epoch). */
export interface Timer {
  readonly id: string;
  readonly dueAt: number;
  readonly event: FalcoEvent;
}

/**
 * Entries of one of the workspace's streams a checkpoint acknowledges for a consumer group: its
 * event stream, its command stream, or a named stream (`WorkspaceStore.stream`).
 */
export interface StreamAck {
  readonly stream: 'events' | 'commands' | { readonly name: string };
  readonly group: string;
  readonly entryIds: readonly string[];
}

/**
 * What one batch of events did, written in one atomic step: a crash leaves all of it or none of
 * it, so a restarted service re-reads the batch's events and applies them to the old contexts.
 */
export interface Checkpoint {
  /** Trigger records the batch changed (context, lastEntryId, fired). */
  readonly triggers: readonly TriggerRecord[];
  /** Transient triggers that fired, by id. */
  readonly removed: readonly string[];
  /** The workspace's new global context, when the batch changed it. */
  readonly global?: JsonObject;
  /** Entries of the workspace's event stream the batch consumed, acknowledged for `group` (none: a checkpoint of a writer that consumed no events). */
  readonly ack?: { readonly group: string; readonly entryIds: readonly string[] } | undefined;
  /**
   * Entries of any of the workspace's streams acknowledged with the rest: an action worker
   * acknowledges the commands whose result events the checkpoint publishes, so a crash can neither
   * leave a result without its ack (the command run again) nor an ack without its result.
   */
  readonly acks?: readonly StreamAck[] | undefined;
  /** Events the batch's actions published, appended to the workspace's event stream. */
  readonly events: readonly FalcoEvent[];
  /** Commands for action workers (an `invoke`, say), appended to the workspace's command stream. */
  readonly commands: readonly FalcoEvent[];
  readonly timers?: { readonly set: readonly Timer[]; readonly cancel: readonly string[] };
  /** Events appended to the workspace's named streams (see `WorkspaceStore.stream`), by stream name. */
  readonly streams?: Readonly<Record<string, readonly FalcoEvent[]>>;
  /**
   * Optimistic concurrency, for several writers of one workspace: the checkpoint is written only if
   * every trigger named has this `fired` count (`null`: no such trigger), else nothing is and the
   * commit throws `CheckpointConflictError`. A guarded trigger's record is written even if it is new.
   */
  readonly expect?: Readonly<Record<string, number | null>>;
}

/**
 * Where workspaces live: their triggers with contexts, a global context, the event stream the
 * triggers consume, the command stream action workers consume, and timers. The embedded backends
 * keep it in memory or under `.falco/`; `stores/redis` in Redis.
 */
export interface WorkspaceStore {
  /** Creates the workspace if it does not exist (a no-op if it does). */
  createWorkspace(workspace: string, options?: { readonly global?: JsonObject }): Promise<void>;
  /** Deletes the workspace with its triggers, streams and timers. */
  deleteWorkspace(workspace: string): Promise<void>;
  listWorkspaces(): Promise<string[]>;
  /** Adds triggers, replacing any with the same id; `WorkspaceNotFoundError` if the workspace does not exist. */
  putTriggers(workspace: string, specs: readonly TriggerSpec[]): Promise<void>;
  getTrigger(workspace: string, id: string): Promise<TriggerRecord | undefined>;
  /** The triggers named, in their order (undefined for one there is none of), in one read. */
  getTriggers(workspace: string, ids: readonly string[]): Promise<Array<TriggerRecord | undefined>>;
  /** Every trigger, or with `prefix` those whose id starts with it, in one read. */
  listTriggers(workspace: string, options?: { readonly prefix?: string }): Promise<TriggerRecord[]>;
  /**
   * The `fired` count of every trigger whose id starts with `prefix`, by id, without the records:
   * a reader that keeps the counts it saw reads again (`getTriggers`) only the triggers that changed.
   */
  triggerVersions(workspace: string, prefix: string): Promise<Record<string, number>>;
  /** True if there was such a trigger. */
  deleteTrigger(workspace: string, id: string): Promise<boolean>;
  getGlobal(workspace: string): Promise<JsonObject>;
  /** The workspace's event stream, which its triggers consume. */
  events(workspace: string): EventStream;
  /** The workspace's command stream, which action workers consume. */
  commands(workspace: string): EventStream;
  /** A further stream of the workspace, by name (letters, digits, `.`, `_`, `-`, `:`): one per task kind, say. */
  stream(workspace: string, name: string): EventStream;
  commit(workspace: string, checkpoint: Checkpoint): Promise<void>;
  /** Moves every timer due at or before `now` into the event stream, atomically; returns how many moved. */
  fireDueTimers(workspace: string, now: number): Promise<number>;
  close(): Promise<void>;
}
