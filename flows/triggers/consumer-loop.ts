import { setTimeout as sleep } from 'node:timers/promises';
import { FatalError } from '../../src/errors.js';
import type { Delivery, EventConsumer } from '../../stores/ports/event-stream.js';

export interface LoopOptions {
  /** Entries read at once. @default 500 */
  readonly batchSize?: number;
  /** How long a read waits for entries before the loop goes round (timers fire, stop is seen). @default 100 */
  readonly blockMs?: number;
  /** Aborting stops the loop as `stop()` does. */
  readonly signal?: AbortSignal;
  /** Told about a failure the loop recovers from (a store that did not answer, say); a warning by default. */
  readonly onError?: (error: unknown) => void;
}

interface LoopSteps {
  /** Joins the consumer group; called again after a failure, so the new consumer re-reads what the old one held. */
  readonly open: () => Promise<EventConsumer>;
  /** Runs before every read (fires due timers, refreshes triggers). */
  readonly beforeRead?: () => Promise<void>;
  readonly handle: (deliveries: Delivery[]) => Promise<void>;
  /** Resolves to how many entries the next read may take, for a handler that keeps work running after it returns: at most `batchSize`. */
  readonly room?: () => Promise<number>;
  /** After a failure: put in-memory state back to what the store holds. */
  readonly recover?: () => Promise<void>;
}

const MAX_BACKOFF_MS = 5_000;

interface IdleWaiter {
  readonly after: number;
  readonly resolve: () => void;
}

/**
 * Read a batch, handle it, repeat, until stopped. `stop()` lets the batch in hand finish (it is
 * committed or left unacknowledged, never half-done) and closes the consumer. A failure that may
 * pass is retried with a growing pause; a `FatalError` ends the loop and rejects `done`.
 */
export class ConsumerLoop {
  readonly done: Promise<void>;
  readonly #steps: LoopSteps;
  readonly #options: Required<Omit<LoopOptions, 'signal'>>;
  readonly #stopping = new AbortController();
  readonly #signal: AbortSignal | undefined;
  #consumer: EventConsumer;
  /** False once a failure closed the consumer, until a new one is open: a closed consumer reads nothing, at once, for ever. */
  #open = true;
  #readsStarted = 0;
  #idleWaiters: IdleWaiter[] = [];

  constructor(consumer: EventConsumer, steps: LoopSteps, options: LoopOptions = {}) {
    this.#consumer = consumer;
    this.#steps = steps;
    this.#options = {
      batchSize: options.batchSize ?? 500,
      blockMs: options.blockMs ?? 100,
      onError: options.onError ?? ((error) => process.emitWarning(`falco: ${consumer.group}/${consumer.name}: ${String(error)}`)),
    };
    this.#signal = options.signal;
    const stop = () => this.#stopping.abort();
    this.#signal?.addEventListener('abort', stop, { once: true });
    this.done = this.#run().finally(() => {
      this.#signal?.removeEventListener('abort', stop);
      for (const waiter of this.#idleWaiters) waiter.resolve();
      this.#idleWaiters = [];
    });
  }

  /** Finishes the batch in hand, then stops; resolves (or rejects, if the loop failed) once it has. */
  stop(): Promise<void> {
    this.#stopping.abort();
    return this.done;
  }

  /** Resolves once a read that started after this call found nothing new, or the loop ended. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => this.#idleWaiters.push({ after: this.#readsStarted, resolve }));
  }

  /** The consumer the loop reads through now. */
  get consumer(): EventConsumer {
    return this.#consumer;
  }

  async #run(): Promise<void> {
    const stopping = this.#stopping.signal;
    let failures = 0;
    try {
      while (!stopping.aborted) {
        try {
          if (!this.#open) await this.#reopen();
          await this.#steps.beforeRead?.();
          const max = this.#steps.room ? Math.min(this.#options.batchSize, await this.#steps.room()) : this.#options.batchSize;
          const read = ++this.#readsStarted;
          const deliveries = await this.#consumer.read({ max, blockMs: this.#options.blockMs, signal: stopping });
          if (deliveries.length > 0) await this.#steps.handle(deliveries);
          else this.#idle(read);
          failures = 0;
        } catch (error) {
          if (error instanceof FatalError) throw error;
          this.#options.onError(error);
          failures++;
          await this.#close();
          await sleep(Math.min(MAX_BACKOFF_MS, 50 * 2 ** failures), undefined, { signal: stopping }).catch(() => {});
        }
      }
    } finally {
      await this.#close();
    }
  }

  /** Joins again after a failure (the next read re-reads what the old consumer held); a failure here is retried as a failed read is. */
  async #reopen(): Promise<void> {
    this.#consumer = await this.#steps.open();
    this.#open = true;
    await this.#steps.recover?.();
  }

  async #close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#consumer.close().catch((error: unknown) => this.#options.onError(error));
  }

  #idle(read: number): void {
    const waiting: IdleWaiter[] = [];
    for (const waiter of this.#idleWaiters) {
      if (read > waiter.after) waiter.resolve();
      else waiting.push(waiter);
    }
    this.#idleWaiters = waiting;
  }
}
