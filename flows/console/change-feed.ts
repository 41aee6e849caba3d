import { randomUUID } from 'node:crypto';
import type { WorkflowSources } from './sources/sources.js';
import type { WorkflowUpdate, WorkflowView } from './sources/source.js';

/** A fresh picture of every listed workflow, sent instead of a replay the feed no longer holds. */
export interface WorkflowSnapshot {
  readonly kind: 'snapshot';
  readonly workflows: readonly WorkflowView[];
}

/** What a watcher is sent: a change, or a snapshot; `id` is the SSE event id to resume after it. */
export type FeedEntry = { readonly id: string; readonly update: WorkflowUpdate | WorkflowSnapshot };

/**
 * The sources' changes, numbered as they happen (`<epoch>-<n>`, the epoch new with each feed), the
 * last `capacity` of them kept, so a watcher that lost its stream resumes after the last event it
 * saw: it is sent what changed since, each change once; when the feed no longer holds that (it is
 * another server's id, or too old), a snapshot of the workflows instead.
 */
export class ChangeFeed {
  readonly #epoch = randomUUID().slice(0, 8);
  readonly #capacity: number;
  readonly #kept: Array<{ readonly seq: number; readonly update: WorkflowUpdate }> = [];
  readonly #listeners = new Set<(entry: FeedEntry) => void>();
  readonly #sources: WorkflowSources;
  #seq = 0;
  #stop: (() => Promise<void>) | undefined;

  private constructor(sources: WorkflowSources, capacity: number) {
    this.#sources = sources;
    this.#capacity = capacity;
  }

  static async open(sources: WorkflowSources, capacity = 1000): Promise<ChangeFeed> {
    const feed = new ChangeFeed(sources, capacity);
    feed.#stop = await sources.watch((update) => feed.#add(update));
    return feed;
  }

  /** The id of the newest change: a watcher that resumes after it has missed nothing. */
  get lastId(): string {
    return this.#id(this.#seq);
  }

  /**
   * Sends `send` what changed after `lastEventId` (or a snapshot, when that cannot be told), then
   * every change as it happens, until the returned function is called. Without an id, only what
   * happens from now on.
   */
  async follow(lastEventId: string | undefined, send: (entry: FeedEntry) => void): Promise<() => void> {
    const after = lastEventId === undefined ? this.#seq : this.#seqOf(lastEventId);
    if (after === undefined) {
      const at = this.#seq;
      const queued: FeedEntry[] = [];
      const queue = (entry: FeedEntry) => queued.push(entry);
      this.#listeners.add(queue);
      try {
        send({ id: this.#id(at), update: { kind: 'snapshot', workflows: await this.#snapshot() } });
      } finally {
        this.#listeners.delete(queue);
      }
      for (const entry of queued) send(entry);
    } else {
      for (const { seq, update } of this.#kept) if (seq > after) send({ id: this.#id(seq), update });
    }
    this.#listeners.add(send);
    return () => this.#listeners.delete(send);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#stop?.();
  }

  #add(update: WorkflowUpdate): void {
    const seq = ++this.#seq;
    this.#kept.push({ seq, update });
    if (this.#kept.length > this.#capacity) this.#kept.shift();
    for (const listener of this.#listeners) listener({ id: this.#id(seq), update });
  }

  #id(seq: number): string {
    return `${this.#epoch}-${seq}`;
  }

  /** The change number an id names, when this feed can replay what came after it. */
  #seqOf(id: string): number | undefined {
    const match = /^([0-9a-f]{8})-(\d+)$/.exec(id);
    if (!match || match[1] !== this.#epoch) return undefined;
    const seq = Number(match[2]);
    const oldest = this.#kept[0]?.seq ?? this.#seq + 1;
    return seq <= this.#seq && seq >= oldest - 1 ? seq : undefined;
  }

  async #snapshot(): Promise<WorkflowView[]> {
    const listed = await this.#sources.list({ archived: false });
    const views = await Promise.all(listed.map((workflow) => this.#sources.inspect(workflow.id)));
    return views.filter((view) => view !== undefined);
  }
}
