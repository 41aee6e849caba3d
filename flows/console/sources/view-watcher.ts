import { PollLoop } from '../../poll-loop.js';
import { summaryOf } from '../../tasks/record.js';
import type { WorkflowListing, WorkflowUpdate, WorkflowView } from './source.js';

/**
 * Tells a listener what changed between two reads of a source's workflows: each task whose run
 * changed, then the workflow's summary. It reads every `pollMs`, and at once when poked.
 */
export class ViewWatcher {
  readonly #read: () => Promise<WorkflowView[]>;
  readonly #listener: (update: WorkflowUpdate) => void;
  readonly #poll: PollLoop;
  #seen = new Map<string, string>();

  constructor(read: () => Promise<WorkflowView[]>, listener: (update: WorkflowUpdate) => void, pollMs: number) {
    this.#read = read;
    this.#listener = listener;
    this.#poll = new PollLoop(async () => this.#diff(await this.#read()), pollMs);
  }

  /** Takes the first read (changes are what happens after it), then keeps reading. */
  async start(): Promise<void> {
    this.#seen = snapshot(await this.#read());
    this.#poll.start();
  }

  poke(): void {
    this.#poll.poke();
  }

  stop(): Promise<void> {
    return this.#poll.stop();
  }

  #diff(views: readonly WorkflowView[]): void {
    const now = snapshot(views);
    for (const view of views) {
      for (const task of view.tasks) {
        const key = `${view.id}\u0000${task.node}`;
        if (now.get(key) !== this.#seen.get(key)) this.#listener({ kind: 'task', workflow: view.id, task });
      }
      if (now.get(view.id) !== this.#seen.get(view.id)) this.#listener({ kind: 'workflow', workflow: listingOf(view) });
    }
    this.#seen = now;
  }
}

/** The watches of one source: each a `ViewWatcher` over the same read, all poked when the source changes something. */
export class ViewWatchers {
  readonly #read: () => Promise<WorkflowView[]>;
  readonly #pollMs: number;
  readonly #watchers = new Set<ViewWatcher>();

  constructor(read: () => Promise<WorkflowView[]>, pollMs: number) {
    this.#read = read;
    this.#pollMs = pollMs;
  }

  async watch(listener: (update: WorkflowUpdate) => void): Promise<() => Promise<void>> {
    const watcher = new ViewWatcher(this.#read, listener, this.#pollMs);
    await watcher.start();
    this.#watchers.add(watcher);
    return async () => {
      this.#watchers.delete(watcher);
      await watcher.stop();
    };
  }

  poke(): void {
    for (const watcher of this.#watchers) watcher.poke();
  }

  async close(): Promise<void> {
    const watchers = [...this.#watchers];
    this.#watchers.clear();
    await Promise.all(watchers.map((watcher) => watcher.stop()));
  }
}

export function listingOf(view: WorkflowView): WorkflowListing {
  return { ...summaryOf(view), kind: view.kind };
}

function snapshot(views: readonly WorkflowView[]): Map<string, string> {
  const seen = new Map<string, string>();
  for (const view of views) {
    seen.set(view.id, JSON.stringify(listingOf(view)));
    for (const task of view.tasks) seen.set(`${view.id}\u0000${task.node}`, JSON.stringify(task));
  }
  return seen;
}
