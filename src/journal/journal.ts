import type { Invocation } from '../invocation.js';

/**
 * A final record as a journal keeps it: the invocation and the digest of the deployable that
 * produced it (`deployableDigest`), so a changed function is never handed an old output. Lines
 * written before the digest was kept have none, and are never reused.
 */
export type JournalRecord = Invocation & {
  readonly deployableDigest: string;
  /** Which run of the journal kept it (one id per `execute`), so a run can read back its own records. */
  readonly session?: string;
};

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
  /**
   * Every record kept so far, one at a time and without holding them all (a phase whose records
   * streamed reads its outputs back through it); optional, for stores that can.
   */
  records?(): AsyncIterable<JournalRecord>;
  /** Resolves once every appended record is stored; rejects if any could not be. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function journalKey(phase: string, id: string): string {
  return `${phase}\u0000${id}`;
}
