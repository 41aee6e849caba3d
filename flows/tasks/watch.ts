import { setTimeout as sleep } from 'node:timers/promises';
import { summaryOf, taskRunOf, type WorkflowRecord } from './record.js';
import type { WorkflowChange } from './service-types.js';

/**
 * Tells a listener what changed between two looks at the workflows: a workflow's summary, and each
 * task whose run changed. It looks every `pollMs`, and at once when poked (a change made here), so
 * it sees the changes of every process that shares the store, with nothing kept per watcher in it.
 */
export class Watcher {
  readonly #read: () => Promise<WorkflowRecord[]>;
  readonly #listener: (change: WorkflowChange) => void;
  readonly #pollMs: number;
  readonly #stop = new AbortController();
  #seen = new Map<string, string>();
  #poked: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(read: () => Promise<WorkflowRecord[]>, listener: (change: WorkflowChange) => void, pollMs: number) {
    this.#read = read;
    this.#listener = listener;
    this.#pollMs = pollMs;
  }

  /** Takes the first look (changes are what happens after it), then keeps looking. */
  async start(): Promise<void> {
    this.#seen = this.#snapshot(await this.#read());
    this.#loop = this.#run();
  }

  poke(): void {
    this.#poked?.();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#poked?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const poked = new Promise<void>((resolve) => (this.#poked = resolve));
      await Promise.race([sleep(this.#pollMs, undefined, { signal }).catch(() => {}), poked]);
      if (signal.aborted) return;
      try {
        this.#diff(await this.#read());
      } catch (error) {
        process.emitWarning(`falco: watching workflows: ${String(error)}`);
      }
    }
  }

  #snapshot(records: readonly WorkflowRecord[]): Map<string, string> {
    const seen = new Map<string, string>();
    for (const record of records) {
      seen.set(record.id, JSON.stringify(summaryOf(record)));
      for (const node of record.graph.nodes) seen.set(`${record.id}\u0000${node.id}`, JSON.stringify(taskRunOf(record, node.id)));
    }
    return seen;
  }

  #diff(records: readonly WorkflowRecord[]): void {
    const now = this.#snapshot(records);
    for (const record of records) {
      for (const node of record.graph.nodes) {
        const key = `${record.id}\u0000${node.id}`;
        if (now.get(key) !== this.#seen.get(key)) this.#listener({ kind: 'task', workflow: record.id, task: taskRunOf(record, node.id) });
      }
      if (now.get(record.id) !== this.#seen.get(record.id)) this.#listener({ kind: 'workflow', workflow: summaryOf(record) });
    }
    this.#seen = now;
  }
}
