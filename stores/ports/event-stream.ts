import type { FalcoEvent } from './event.js';

/** Where events go: the in-process bus, a Redis stream, an HTTP endpoint. */
export interface EventSink {
  /** Appends the events in order; resolves once they are stored (durably, where the backend is). */
  publish(events: readonly FalcoEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** An entry read by a consumer and not yet acknowledged. */
export interface Delivery {
  readonly event: FalcoEvent;
  /** The entry's id in its stream: ordered, opaque ("<ms>-<seq>" on Redis). */
  readonly entryId: string;
  /** How often the entry has been handed to a consumer of this group, this time included (1 first). */
  readonly deliveries: number;
}

/** What a consumer and a read use where their options leave a value out (the `@default`s below). */
export const STREAM_DEFAULTS = { visibilityTimeoutMs: 30_000, maxDeliveries: 5, max: 100, blockMs: 1_000 };

export interface ConsumerOptions {
  /** An entry held this long by a consumer without an ack is handed to another. @default 30000 */
  readonly visibilityTimeoutMs?: number;
  /** After this many deliveries an entry moves to the dead-letter stream instead. @default 5 */
  readonly maxDeliveries?: number;
}

export interface ReadOptions {
  /** The most entries to return. @default 100 */
  readonly max?: number;
  /** How long to wait when nothing is there, in ms; 0 returns at once. @default 1000 */
  readonly blockMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * One consumer of a consumer group: each entry goes to one consumer of the group, at least once.
 * `read` returns first what this consumer was handed before and never acknowledged (after a
 * restart under the same name), then entries other consumers held past the visibility timeout,
 * then new ones. An entry that cannot be parsed, or that reached the delivery cap, is moved to the
 * dead-letter stream with the reason and acknowledged: it is never returned, and never blocks others.
 */
export interface EventConsumer {
  readonly group: string;
  readonly name: string;
  read(options?: ReadOptions): Promise<Delivery[]>;
  ack(entryIds: readonly string[]): Promise<void>;
  /** Moves entries to the dead-letter stream with a reason and acknowledges them. */
  deadLetter(deliveries: readonly Delivery[], reason: string): Promise<void>;
  close(): Promise<void>;
}

/** A dead-lettered entry: the original fields as they were, why, and when. */
export interface DeadLetter {
  readonly entryId: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly reason: string;
  readonly group: string;
  readonly deliveries: number;
}

/** An ordered, durable (where the backend is) log of events, read through consumer groups. */
export interface EventStream extends EventSink {
  readonly name: string;
  /** Joins (creating if needed) a consumer group; a new group reads from `start` ('$' = only new entries, '0' = all). */
  consumer(group: string, consumer: string, options?: ConsumerOptions & { readonly start?: '0' | '$' }): Promise<EventConsumer>;
  /** The entries moved to the dead-letter stream, oldest first. */
  deadLetters(): Promise<DeadLetter[]>;
  /** Drops the entries every group has acknowledged; returns how many were dropped. */
  trim(): Promise<number>;
  /** Entries in the stream, and per group how many are handed out and not acknowledged. */
  info(): Promise<{ readonly length: number; readonly groups: ReadonlyArray<{ readonly name: string; readonly pending: number }> }>;
}
