import type { FalcoEvent } from '../ports/event.js';
import { STREAM_DEFAULTS, type ConsumerOptions, type DeadLetter, type Delivery, type EventConsumer, type EventStream, type ReadOptions } from '../ports/event-stream.js';
import { StreamModel, type GroupChange, type ResolvedConsumerOptions } from './stream-model.js';

/**
 * The embedded event stream: Redis-stream semantics (consumer groups, pending entries, claims past
 * a visibility timeout, a delivery cap and a dead-letter list, trimming) in one process's memory.
 * Events are kept as the objects published; nothing is copied on the way through.
 */
export class MemoryEventStream implements EventStream {
  readonly name: string;
  protected readonly model = new StreamModel();
  #waiters = new Set<() => void>();
  #closed = false;

  constructor(name = 'events') {
    this.name = name;
  }

  async publish(events: readonly FalcoEvent[]): Promise<void> {
    this.checkOpen();
    for (const event of events) this.model.append({ event });
    if (events.length > 0) this.wake();
  }

  async consumer(group: string, consumer: string, options: ConsumerOptions & { readonly start?: '0' | '$' } = {}): Promise<EventConsumer> {
    this.checkOpen();
    if (!this.model.hasGroup(group)) this.groupCreated(group, this.model.createGroup(group, options.start));
    return new MemoryConsumer(this, group, consumer, { ...STREAM_DEFAULTS, ...options });
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return [...this.model.dead];
  }

  async trim(): Promise<number> {
    return this.model.trim();
  }

  async info() {
    return this.model.info();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.wake();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** @internal One consumer's read, with every change reported to `changed`. */
  collect(group: string, consumer: string, options: ResolvedConsumerOptions, recovering: boolean, max: number): Delivery[] {
    return this.model.collect(group, consumer, options, recovering, max, Date.now(), (change) => this.changed(change));
  }

  /** @internal */
  async ack(group: string, entryIds: readonly string[]): Promise<void> {
    this.model.ack(group, entryIds);
  }

  /** @internal */
  async bury(group: string, deliveries: readonly Delivery[], reason: string): Promise<void> {
    for (const delivery of deliveries) this.model.bury(group, delivery.entryId, delivery.deliveries, reason);
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

  /** A durable subclass writes the group's creation down. */
  protected groupCreated(_group: string, _after: string | null): void {}

  /** A read delivered or buried entries. A durable subclass writes it down. */
  protected changed(_change: GroupChange): void {}

  protected wake(): void {
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const wake of waiters) wake();
  }

  protected checkOpen(): void {
    if (this.#closed) throw new Error(`the event stream "${this.name}" is closed`);
  }
}

class MemoryConsumer implements EventConsumer {
  readonly group: string;
  readonly name: string;
  readonly #stream: MemoryEventStream;
  readonly #options: ResolvedConsumerOptions;
  /** On its first read a consumer gets back what it held before a restart, as XREADGROUP ... 0 does. */
  #recovered = false;

  constructor(stream: MemoryEventStream, group: string, name: string, options: ResolvedConsumerOptions) {
    this.#stream = stream;
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

  ack(entryIds: readonly string[]): Promise<void> {
    return this.#stream.ack(this.group, entryIds);
  }

  deadLetter(deliveries: readonly Delivery[], reason: string): Promise<void> {
    return this.#stream.bury(this.group, deliveries, reason);
  }

  async close(): Promise<void> {}

  #collect(max: number): Delivery[] {
    const deliveries = this.#stream.collect(this.group, this.name, this.#options, !this.#recovered, max);
    this.#recovered = true;
    return deliveries;
  }
}
