import { toFields, type FalcoEvent } from '../ports/event.js';
import type { ConsumerOptions, DeadLetter, Delivery, STREAM_DEFAULTS } from '../ports/event-stream.js';

/** An entry: an event, or the fields of a foreign entry that is not one (and why), to be dead-lettered. */
export type Entry = { readonly entryId: string; readonly event: FalcoEvent } | { readonly entryId: string; readonly fields: Readonly<Record<string, string>>; readonly malformed: string };

export interface Held {
  consumer: string;
  since: number;
  deliveries: number;
}

interface Group {
  /** Index (in `#entries`, before trimming offsets) of the next entry never handed out. */
  next: number;
  readonly pending: Map<string, Held>;
}

/** What a read changed, for a backend that writes it down: deliveries, and entries buried on the way. */
export type GroupChange =
  | { readonly kind: 'deliver'; readonly group: string; readonly consumer: string; readonly at: number; readonly entryIds: readonly string[] }
  | { readonly kind: 'bury'; readonly group: string; readonly entryId: string; readonly deliveries: number; readonly reason: string };

/** A group as a snapshot keeps it: the entry it last handed out, and what is pending. */
export interface GroupSnapshot {
  readonly after: string | null;
  readonly pending: ReadonlyArray<readonly [string, Held]>;
}

export type ResolvedConsumerOptions = typeof STREAM_DEFAULTS & ConsumerOptions;

/**
 * Redis-stream semantics in one process's memory: ordered entries, consumer groups with pending
 * entries, claims past a visibility timeout, a delivery cap and a dead-letter list, trimming. No
 * I/O: the memory stream uses it as it is, the file stream writes down each change it reports.
 */
export class StreamModel {
  #entries: Entry[] = [];
  /** How many entries were trimmed from the front: entry i lives at `#entries[i - #offset]`. */
  #offset = 0;
  readonly #byId = new Map<string, number>();
  readonly #groups = new Map<string, Group>();
  readonly dead: DeadLetter[] = [];
  #lastMs = 0;
  #seq = 0;

  get end(): number {
    return this.#offset + this.#entries.length;
  }

  get length(): number {
    return this.#entries.length;
  }

  get lastId(): string {
    return `${this.#lastMs}-${this.#seq}`;
  }

  /** Appends an entry under a new id, or (replaying a log) under the id it had. */
  append(content: { readonly event: FalcoEvent } | { readonly fields: Readonly<Record<string, string>>; readonly malformed: string }, entryId = this.#nextId()): Entry {
    this.follow(entryId);
    const entry = { entryId, ...content };
    this.#byId.set(entryId, this.end);
    this.#entries.push(entry);
    return entry;
  }

  hasGroup(name: string): boolean {
    return this.#groups.has(name);
  }

  /** Creates a group reading from the start ('0') or only new entries ('$'); returns the entry it starts after. */
  createGroup(name: string, start: '0' | '$' = '0'): string | null {
    const next = start === '$' ? this.end : this.#offset;
    this.#groups.set(name, { next, pending: new Map() });
    return this.#idBefore(next);
  }

  /** Restores a group from a snapshot or a log line. */
  restoreGroup(name: string, snapshot: GroupSnapshot): void {
    const next = snapshot.after === null ? this.#offset : (this.#byId.get(snapshot.after) ?? this.#offset - 1) + 1;
    this.#groups.set(name, { next, pending: new Map(snapshot.pending.map(([id, held]) => [id, { ...held }])) });
  }

  groupSnapshot(name: string): GroupSnapshot {
    const group = this.#group(name);
    return { after: this.#idBefore(group.next), pending: [...group.pending] };
  }

  groupNames(): string[] {
    return [...this.#groups.keys()];
  }

  /**
   * What one read of `consumer` gets: first (when `recovering`) what it held before, and entries
   * any consumer held past the visibility timeout, then new entries. Entries past the delivery cap,
   * and foreign entries, are buried on the way. Every change is reported to `record`.
   */
  collect(groupName: string, consumer: string, options: ResolvedConsumerOptions, recovering: boolean, max: number, now: number, record?: (change: GroupChange) => void): Delivery[] {
    const out: Delivery[] = [];
    const delivered: string[] = [];
    const { pending } = this.#group(groupName);
    for (const [entryId, held] of pending) {
      if (out.length >= max) break;
      const own = held.consumer === consumer && recovering;
      const stale = now - held.since >= options.visibilityTimeoutMs;
      if (!own && !stale) continue;
      const entry = this.entryById(entryId);
      if (!entry) {
        pending.delete(entryId);
        continue;
      }
      if (held.deliveries >= options.maxDeliveries) {
        this.#buryAndRecord(groupName, entry, held.deliveries, `delivered ${held.deliveries} times without an ack (cap ${options.maxDeliveries})`, record);
        continue;
      }
      this.deliver(groupName, consumer, now, entryId);
      delivered.push(entryId);
      if ('event' in entry) out.push({ event: entry.event, entryId, deliveries: held.deliveries });
    }
    const group = this.#group(groupName);
    while (out.length < max && group.next < this.end) {
      const entry = this.#entries[group.next - this.#offset]!;
      this.deliver(groupName, consumer, now, entry.entryId);
      delivered.push(entry.entryId);
      if ('event' in entry) out.push({ event: entry.event, entryId: entry.entryId, deliveries: 1 });
    }
    if (delivered.length > 0) record?.({ kind: 'deliver', group: groupName, consumer, at: now, entryIds: delivered });
    for (const entryId of delivered) {
      const entry = this.entryById(entryId);
      if (entry && 'malformed' in entry) this.#buryAndRecord(groupName, entry, 1, entry.malformed, record);
    }
    return out;
  }

  /** Hands an entry to a consumer: a new one advances the group, a pending one counts another delivery. */
  deliver(groupName: string, consumer: string, at: number, entryId: string): void {
    const group = this.#group(groupName);
    const held = group.pending.get(entryId);
    if (held) {
      held.consumer = consumer;
      held.since = at;
      held.deliveries++;
      return;
    }
    const index = this.#byId.get(entryId);
    if (index === undefined) return;
    group.pending.set(entryId, { consumer, since: at, deliveries: 1 });
    group.next = Math.max(group.next, index + 1);
  }

  /** Acknowledges entries; as XACK does, an unknown group or entry is no error. */
  ack(groupName: string, entryIds: readonly string[]): void {
    const pending = this.#groups.get(groupName)?.pending;
    for (const entryId of entryIds) pending?.delete(entryId);
  }

  /** Moves an entry to the dead-letter list and acknowledges it for the group. */
  bury(groupName: string, entryId: string, deliveries: number, reason: string): void {
    const entry = this.entryById(entryId);
    if (entry) this.dead.push({ entryId, fields: 'event' in entry ? toFields(entry.event) : entry.fields, reason, group: groupName, deliveries });
    this.#group(groupName).pending.delete(entryId);
  }

  entryById(entryId: string): Entry | undefined {
    const index = this.#byId.get(entryId);
    return index === undefined ? undefined : this.#entries[index - this.#offset];
  }

  entries(): readonly Entry[] {
    return this.#entries;
  }

  trim(): number {
    let keep = this.end;
    for (const group of this.#groups.values()) {
      keep = Math.min(keep, group.next);
      for (const entryId of group.pending.keys()) keep = Math.min(keep, this.#byId.get(entryId) ?? keep);
    }
    const dropped = keep - this.#offset;
    if (dropped <= 0) return 0;
    for (const entry of this.#entries.slice(0, dropped)) this.#byId.delete(entry.entryId);
    this.#entries = this.#entries.slice(dropped);
    this.#offset = keep;
    return dropped;
  }

  info() {
    return {
      length: this.#entries.length,
      groups: [...this.#groups].map(([name, group]) => ({ name, pending: group.pending.size })),
    };
  }

  #buryAndRecord(groupName: string, entry: Entry, deliveries: number, reason: string, record?: (change: GroupChange) => void): void {
    this.bury(groupName, entry.entryId, deliveries, reason);
    record?.({ kind: 'bury', group: groupName, entryId: entry.entryId, deliveries, reason });
  }

  #group(name: string): Group {
    const group = this.#groups.get(name);
    if (!group) throw new Error(`no consumer group "${name}"`);
    return group;
  }

  #idBefore(index: number): string | null {
    return index > this.#offset ? this.#entries[index - 1 - this.#offset]!.entryId : null;
  }

  /** New ids come after this one, replayed from a log. */
  follow(entryId: string): void {
    const [ms, seq] = entryId.split('-').map(Number) as [number, number];
    if (ms > this.#lastMs || (ms === this.#lastMs && seq > this.#seq)) {
      this.#lastMs = ms;
      this.#seq = seq;
    }
  }

  #nextId(): string {
    const ms = Date.now();
    if (ms > this.#lastMs) {
      this.#lastMs = ms;
      this.#seq = 0;
    } else {
      this.#seq++;
    }
    return `${this.#lastMs}-${this.#seq}`;
  }
}
