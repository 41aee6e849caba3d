import type { WorkspaceStore } from '../../stores/ports/workspace.js';
import { PollLoop } from '../poll-loop.js';
import { fromTrigger, recordOfKey, summaryOf, taskRunOf, WORKFLOW_RECORDS, workflowKey, type NodeRecord, type WorkflowHeader } from './record.js';
import type { WorkflowChange } from './service-types.js';

/**
 * Tells a listener what changed between two looks at the workflows: a workflow's summary, and each
 * task whose run changed. It looks every `pollMs`, and at once when poked (a change made here), so
 * it sees the changes of every process that shares the store, with nothing kept per watcher in it.
 * A look reads the versions of the records alone, then only the records whose version moved: a
 * watch on many workflows costs their finished ones nothing.
 */
export class Watcher {
  readonly #store: WorkspaceStore;
  readonly #workspace: string;
  readonly #listener: (change: WorkflowChange) => void;
  readonly #poll: PollLoop;
  #seen: Record<string, number> = {};
  /** The latest header read of each workflow a change was told of: its graph names the tasks. */
  readonly #headers = new Map<string, WorkflowHeader>();

  constructor(store: WorkspaceStore, workspace: string, listener: (change: WorkflowChange) => void, pollMs: number) {
    this.#store = store;
    this.#workspace = workspace;
    this.#listener = listener;
    this.#poll = new PollLoop(() => this.#look(), pollMs);
  }

  /** Takes the first look (changes are what happens after it), then keeps looking. */
  async start(): Promise<void> {
    this.#seen = await this.#versions();
    this.#poll.start();
  }

  poke(): void {
    this.#poll.poke();
  }

  stop(): Promise<void> {
    return this.#poll.stop();
  }

  #versions(): Promise<Record<string, number>> {
    return this.#store.triggerVersions(this.#workspace, WORKFLOW_RECORDS);
  }

  /** Reads what moved since the last look; tells each workflow's tasks, then the workflow. */
  async #look(): Promise<void> {
    const now = await this.#versions();
    const moved = Object.keys(now).filter((key) => now[key] !== this.#seen[key] && recordOfKey(key));
    const records = await this.#store.getTriggers(this.#workspace, moved);
    const nodes: Array<{ workflow: string; node: string; run: NodeRecord }> = [];
    const headers: WorkflowHeader[] = [];
    moved.forEach((key, index) => {
      const record = records[index];
      const names = recordOfKey(key);
      if (!record || !names) return;
      if (names.node === undefined) headers.push(fromTrigger<WorkflowHeader>(record));
      else nodes.push({ workflow: names.workflow, node: names.node, run: fromTrigger<NodeRecord>(record) });
    });
    for (const header of headers) this.#headers.set(header.id, header);
    for (const { workflow, node, run } of nodes) {
      const header = await this.#header(workflow);
      if (header) this.#listener({ kind: 'task', workflow, task: taskRunOf(header.graph, node, run) });
    }
    for (const header of headers) this.#listener({ kind: 'workflow', workflow: summaryOf(header) });
    // A record written again between the two reads is told as read; its newer version is what was seen.
    moved.forEach((key, index) => (now[key] = records[index]?.fired ?? now[key]!));
    this.#seen = now;
  }

  async #header(workflow: string): Promise<WorkflowHeader | undefined> {
    if (!this.#headers.has(workflow)) {
      const record = await this.#store.getTrigger(this.#workspace, workflowKey(workflow));
      if (record) this.#headers.set(workflow, fromTrigger<WorkflowHeader>(record));
    }
    return this.#headers.get(workflow);
  }
}
