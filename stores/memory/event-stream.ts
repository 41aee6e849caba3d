import { toFields, type FalcoEvent } from '../ports/event.js';
import type { ConsumerOptions, DeadLetter, Delivery, EventConsumer, EventStream, ReadOptions } from '../ports/event-stream.js';

interface Entry {
  readonly entryId: string;
  readonly event: FalcoEvent;
}

interface Held {
  consumer: string;
  since: number;
  deliveries: number;
}

interface Group {
  /** Index (in `#entries`, before trimming offsets) of the next entry never handed out. */
  next: number;
  readonly pending: Map<string, Held>;
}

const DEFAULTS = { visibilityTimeoutMs: 30_000, maxDeliveries: 5, max: 100, blockMs: 1_000 };

/**
 * The embedded event stream: Redis-stream semantics (consumer groups, pending entries, claims past
 * a visibility timeout, a delivery cap and a dead-letter list, trimming) in one process's memory.
 * Events are kept as the objects published; nothing is copied on the way through.
 */
export class MemoryEventStream implements EventStream {
  readonly name: string;
  #entries: Entry[] = [];
  /** How many entries were trimmed from the front: entry i lives at `#entries[i - #offset]`. */
  #offset = 0;
  readonly #byId = new Map<string, number>();
  readonly #groups = new Map<string, Group>();
  readonly #dead: DeadLetter[] = [];
  #waiters = new Set<() => void>();
  #lastMs = 0;
  #seq = 0;
  #closed = false;

  constructor(name = 'events') {
    this.name = name;
  }

  async publish(events: readonly FalcoEvent[]): Promise<void> {
    this.#checkOpen();
    for (const event of events) {
      const entry = { entryId: this.#nextId(), event };
      this.#byId.set(entry.entryId, this.#offset + this.#entries.length);
      this.#entries.push(entry);
    }
    if (events.length > 0) this.#wake();
  }

  async consumer(group: string, consumer: string, options: ConsumerOptions & { readonly start?: '0' | '$' } = {}): Promise<EventConsumer> {
    this.#checkOpen();
    let state = this.#groups.get(group);
    if (!state) {
      state = { next: options.start === '$' ? this.#offset + this.#entries.length : this.#offset, pending: new Map() };
      this.#groups.set(group, state);
    }
    return new MemoryConsumer(this, state, group, consumer, { ...DEFAULTS, ...options });
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return [...this.#dead];
  }

  async trim(): Promise<number> {
    let keep = this.#offset + this.#entries.length;
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

  async info() {
    return {
      length: this.#entries.length,
      groups: [...this.#groups].map(([name, group]) => ({ name, pending: group.pending.size })),
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake();
  }

  /** @internal for the consumers */
  entryAt(index: number): Entry | undefined {
    return this.#entries[index - this.#offset];
  }

  /** @internal */
  entryById(entryId: string): Entry | undefined {
    const index = this.#byId.get(entryId);
    return index === undefined ? undefined : this.entryAt(index);
  }

  /** @internal */
  get end(): number {
    return this.#offset + this.#entries.length;
  }

  /** @internal */
  get closed(): boolean {
    return this.#closed;
  }

  /** @internal */
  bury(entry: Entry, group: string, deliveries: number, reason: string): void {
    this.#dead.push({ entryId: entry.entryId, fields: toFields(entry.event), reason, group, deliveries });
  }

  /** @internal Resolves when something is published or the stream closes, or after `ms`. */
  waitForEntries(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const wake of waiters) wake();
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

  #checkOpen(): void {
    if (this.#closed) throw new Error(`the event stream "${this.name}" is closed`);
  }
}

class MemoryConsumer implements EventConsumer {
  readonly group: string;
  readonly name: string;
  readonly #stream: MemoryEventStream;
  readonly #state: Group;
  readonly #options: typeof DEFAULTS & ConsumerOptions;
  /** On its first read a consumer gets back what it held before a restart, as XREADGROUP ... 0 does. */
  #recovered = false;

  constructor(stream: MemoryEventStream, state: Group, group: string, name: string, options: typeof DEFAULTS & ConsumerOptions) {
    this.#stream = stream;
    this.#state = state;
    this.group = group;
    this.name = name;
    this.#options = options;
  }

  async read({ max = this.#options.max, blockMs = this.#options.blockMs, signal }: ReadOptions = {}): Promise<Delivery[]> {
    const deliveries = this.#collect(max);
    if (deliveries.length > 0 || blockMs <= 0 || signal?.aborted || this.#stream.closed) return deliveries;
    await this.#stream.waitForEntries(blockMs, signal);
    return this.#collect(max);
  }

  async ack(entryIds: readonly string[]): Promise<void> {
    for (const entryId of entryIds) this.#state.pending.delete(entryId);
  }

  async deadLetter(deliveries: readonly Delivery[], reason: string): Promise<void> {
    for (const delivery of deliveries) {
      const entry = this.#stream.entryById(delivery.entryId);
      if (entry) this.#stream.bury(entry, this.group, delivery.deliveries, reason);
      this.#state.pending.delete(delivery.entryId);
    }
  }

  async close(): Promise<void> {}

  #collect(max: number): Delivery[] {
    const out: Delivery[] = [];
    const now = Date.now();
    const { pending } = this.#state;
    for (const [entryId, held] of pending) {
      if (out.length >= max) return out;
      const own = held.consumer === this.name && !this.#recovered;
      const stale = now - held.since >= this.#options.visibilityTimeoutMs;
      if (!own && !stale) continue;
      const entry = this.#stream.entryById(entryId);
      if (!entry) {
        pending.delete(entryId);
        continue;
      }
      if (held.deliveries >= this.#options.maxDeliveries) {
        this.#stream.bury(entry, this.group, held.deliveries, `delivered ${held.deliveries} times without an ack (cap ${this.#options.maxDeliveries})`);
        pending.delete(entryId);
        continue;
      }
      held.consumer = this.name;
      held.since = now;
      held.deliveries++;
      out.push({ event: entry.event, entryId, deliveries: held.deliveries });
    }
    this.#recovered = true;
    while (out.length < max && this.#state.next < this.#stream.end) {
      const entry = this.#stream.entryAt(this.#state.next++);
      if (!entry) continue;
      pending.set(entry.entryId, { consumer: this.name, since: now, deliveries: 1 });
      out.push({ event: entry.event, entryId: entry.entryId, deliveries: 1 });
    }
    return out;
  }
}
