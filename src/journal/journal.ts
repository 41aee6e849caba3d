import type { Invocation } from '../invocation.js';

/**
 * Where a run keeps the final record of every invocation as it completes, so that a run started
 * again with the same id skips what is done. The embedded store is a JSON-lines file
 * (`FileJournal`); a server-backed one (Redis streams, say) implements the same four calls.
 */
export interface Journal {
  /** The final records kept so far, by `journalKey(phase, id)`. */
  load(): Promise<ReadonlyMap<string, Invocation>>;
  /** Keeps a final record. Must not block: durability is the store's business, errors surface in `flush`. */
  append(record: Invocation): void;
  /** Resolves once every appended record is stored; rejects if any could not be. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function journalKey(phase: string, id: string): string {
  return `${phase}\u0000${id}`;
}
