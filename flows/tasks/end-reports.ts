import type { Delivery, EventConsumer } from '../../stores/ports/event-stream.js';
import type { WorkspaceStore } from '../../stores/ports/workspace.js';
import { endTaskEvent, RECEIPTS_STREAM, receiptEvent, START_TASK, taskStream, type EndTask } from './events.js';

/** A task that ended: its end-task, and (for one given up on) why its start goes to the dead letters instead of being acknowledged. */
export interface EndReport {
  readonly delivery: Delivery;
  readonly end: EndTask;
  readonly deadLetter?: string;
}

interface Queued {
  readonly reports: readonly EndReport[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Reports the ended tasks of one kind: each end-task to the service's event stream, then its start
 * acknowledged (or dead-lettered, with the reason), then its receipt. A task's end goes out as soon
 * as it ends; ends that come while a report is being written go together in the next, so many
 * trivial tasks cost a few writes, not a few per task.
 */
export class EndReports {
  readonly #store: WorkspaceStore;
  readonly #workspace: string;
  readonly #kind: string;
  readonly #consumer: () => EventConsumer;
  #queue: Queued[] = [];
  #writing: Promise<void> | undefined;

  constructor(store: WorkspaceStore, workspace: string, kind: string, consumer: () => EventConsumer) {
    this.#store = store;
    this.#workspace = workspace;
    this.#kind = kind;
    this.#consumer = consumer;
  }

  /** Resolves once the reports are written; rejects if they could not be (the starts stay unacknowledged). */
  report(reports: readonly EndReport[]): Promise<void> {
    if (reports.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#queue.push({ reports, resolve, reject });
      this.#writing ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    // The ends of this turn of the event loop go in the first write.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        await this.#write(batch.flatMap((queued) => queued.reports));
        for (const queued of batch) queued.resolve();
      } catch (error) {
        for (const queued of batch) queued.reject(error);
      }
    }
    this.#writing = undefined;
  }

  async #write(reports: readonly EndReport[]): Promise<void> {
    const consumer = this.#consumer();
    await this.#store.events(this.#workspace).publish(reports.map(({ end }) => endTaskEvent(end)));
    for (const { delivery, deadLetter } of reports) if (deadLetter !== undefined) await consumer.deadLetter([delivery], deadLetter);
    await consumer.ack(reports.filter(({ deadLetter }) => deadLetter === undefined).map(({ delivery }) => delivery.entryId));
    const at = Date.now();
    await this.#store.stream(this.#workspace, RECEIPTS_STREAM).publish(
      reports.map(({ delivery }) => receiptEvent({ stream: taskStream(this.#kind), entryId: delivery.entryId, event: delivery.event.id, type: START_TASK, outcome: 'accepted', by: consumer.name, at })),
    );
  }
}
