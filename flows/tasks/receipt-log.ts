import { appendFile } from 'node:fs/promises';
import type { Delivery, EventConsumer } from '../../stores/ports/event-stream.js';
import type { WorkspaceStore } from '../../stores/ports/workspace.js';
import { ConsumerLoop, type LoopOptions } from '../triggers/consumer-loop.js';
import { RECEIPT, RECEIPTS_STREAM } from './events.js';
import { DEFAULT_WORKFLOW_WORKSPACE } from './workflows.js';

export interface ReceiptLogOptions extends LoopOptions {
  readonly store: WorkspaceStore;
  /** @default "falco-workflows" */
  readonly workspace?: string;
  /** The JSON-lines file receipts are appended to. */
  readonly path: string;
  /** @default "receipts" */
  readonly consumer?: string;
}

export const RECEIPT_GROUP = 'falco-receipts';

/**
 * Archives the receipts of processed events, one JSON line each, then trims the streams the
 * receipts name (and the receipts stream): what every group has acknowledged is dropped, so the
 * task streams and the event stream do not grow without bound. A line is written before its
 * receipt is acknowledged: after a crash a receipt may be archived twice, never lost.
 */
export class ReceiptLog {
  readonly workspace: string;
  readonly #options: ReceiptLogOptions;
  #loop!: ConsumerLoop;
  #archived = 0;

  private constructor(options: ReceiptLogOptions) {
    this.workspace = options.workspace ?? DEFAULT_WORKFLOW_WORKSPACE;
    this.#options = options;
  }

  static async start(options: ReceiptLogOptions): Promise<ReceiptLog> {
    const log = new ReceiptLog(options);
    await options.store.createWorkspace(log.workspace);
    log.#loop = new ConsumerLoop(await log.#open(), { open: () => log.#open(), handle: (deliveries) => log.#handle(deliveries) }, options);
    return log;
  }

  /** Receipts archived by this log since it started. */
  get archived(): number {
    return this.#archived;
  }

  whenIdle(): Promise<void> {
    return this.#loop.whenIdle();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  #open(): Promise<EventConsumer> {
    return this.#options.store.stream(this.workspace, RECEIPTS_STREAM).consumer(RECEIPT_GROUP, this.#options.consumer ?? 'receipts', { start: '0' });
  }

  async #handle(deliveries: Delivery[]): Promise<void> {
    const receipts = deliveries.filter((d) => d.event.type === RECEIPT);
    const foreign = deliveries.filter((d) => d.event.type !== RECEIPT);
    if (foreign.length > 0) await this.#loop.consumer.deadLetter(foreign, `not a receipt (the receipts stream carries ${RECEIPT})`);
    if (receipts.length > 0) await appendFile(this.#options.path, receipts.map((d) => `${JSON.stringify(d.event.data)}\n`).join(''));
    await this.#loop.consumer.ack(receipts.map((d) => d.entryId));
    this.#archived += receipts.length;
    const { store } = this.#options;
    const named = new Set(receipts.map((d) => (d.event.data as { stream?: unknown }).stream).filter((name): name is string => typeof name === 'string'));
    for (const name of named) await (name === 'events' ? store.events(this.workspace) : store.stream(this.workspace, name)).trim();
    await store.stream(this.workspace, RECEIPTS_STREAM).trim();
  }
}
