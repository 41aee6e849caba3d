import type { JsonObject, WorkspaceStore } from '../../../stores/ports/workspace.js';

/** Marks records kept as triggers: registered nowhere, so a trigger service refuses to run their workspace by mistake. */
const RECORD = { name: 'falco.console.record' };

/**
 * JSON records by id in one workspace of a store, each kept as a trigger's context, so they live
 * where the workflows do (memory, files, Redis) and every process sharing the store reads them.
 * One process writes a record at a time: writes of one id are queued here.
 */
export class RecordStore<R extends object> {
  readonly #store: WorkspaceStore;
  readonly #workspace: string;
  readonly #writes = new Map<string, Promise<void>>();

  private constructor(store: WorkspaceStore, workspace: string) {
    this.#store = store;
    this.#workspace = workspace;
  }

  static async open<R extends object>(store: WorkspaceStore, workspace: string): Promise<RecordStore<R>> {
    await store.createWorkspace(workspace);
    return new RecordStore<R>(store, workspace);
  }

  async get(id: string): Promise<R | undefined> {
    return (await this.#store.getTrigger(this.#workspace, id))?.context as R | undefined;
  }

  async all(): Promise<R[]> {
    return (await this.#store.listTriggers(this.#workspace)).map((record) => record.context as R);
  }

  /** Writes the record as it is when the write's turn comes. */
  put(id: string, record: R): Promise<void> {
    const previous = this.#writes.get(id) ?? Promise.resolve();
    const write = previous.then(() => this.#store.putTriggers(this.#workspace, [{ id, activation: [], condition: RECORD, action: RECORD, context: structuredClone(record) as JsonObject }]));
    const settled = write.catch(() => {});
    this.#writes.set(id, settled);
    void settled.then(() => this.#writes.get(id) === settled && this.#writes.delete(id));
    return write;
  }
}
