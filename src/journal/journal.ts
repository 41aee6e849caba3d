import type { Invocation } from '../invocation.js';

/**
 * A final record as a journal keeps it: the invocation and the digest of the deployable that
 * produced it (`deployableDigest`), so a changed function is never handed an old output. Lines
 * written before the digest was kept have none, and are never reused.
 */
export type JournalRecord = Invocation & { readonly deployableDigest: string };

/**
 * Where a run keeps the final record of every invocation as it completes, so that a run started
 * again with the same id skips what is done. The embedded store is a JSON-lines file
 * (`FileJournal`); a server-backed one (Redis streams, say) implements the same four calls.
 */
export interface Journal {
  /** The final records kept so far, by `journalKey(phase, id)`; the last one kept wins. */
  load(): Promise<ReadonlyMap<string, JournalRecord>>;
  /** Keeps a final record. Must not block: durability is the store's business, errors surface in `flush`. */
  append(record: JournalRecord): void;
  /** Resolves once every appended record is stored; rejects if any could not be. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function journalKey(phase: string, id: string): string {
  return `${phase}\u0000${id}`;
}
