import { randomUUID } from 'node:crypto';
import type { Deployable } from '../deployable.js';
import { deployableDigest } from '../deployable-digest.js';
import type { Invocation } from '../invocation.js';
import type { StoredRecords } from '../phase-result.js';
import { journalKey, type Journal, type JournalRecord } from './journal.js';

/** How a run with a journal treats the records the journal already holds. */
export interface ResumeOptions {
  /**
   * Run again the invocations the journal holds as failed (the default, true), or keep their
   * failure as it is (false). Succeeded invocations are never run again.
   */
  readonly retryFailed?: boolean;
}

/**
 * A run's journal as the driver uses it: which records can be restored instead of run, and each
 * final record kept with the digest of the function that produced it. A record is restored only
 * when its id, input and function (code, runtime, entry point, params) are all the same.
 */
export class JournalSession {
  /** Marks the records this session keeps, so it can read its own back; short, as every line carries it. */
  readonly id = randomUUID().slice(0, 8);
  /** The keys of the records restored, by phase. */
  readonly #restored = new Map<string, string[]>();

  private constructor(
    readonly journal: Journal,
    readonly kept: ReadonlyMap<string, JournalRecord>,
    readonly digests: ReadonlyMap<string, string>,
    readonly retryFailed: boolean,
  ) {}

  /** Loads the journal and digests the function behind every phase in `deployables` (by phase id). */
  static async open(journal: Journal, deployables: ReadonlyMap<string, Deployable>, options: ResumeOptions = {}): Promise<JournalSession> {
    const kept = await journal.load();
    const byDeployable = new Map<Deployable, Promise<string>>();
    const digests = new Map<string, string>();
    for (const [phase, deployable] of deployables) {
      let digest = byDeployable.get(deployable);
      if (!digest) byDeployable.set(deployable, (digest = deployableDigest(deployable)));
      digests.set(phase, await digest);
    }
    return new JournalSession(journal, kept, digests, options.retryFailed ?? true);
  }

  /** Fills in the records the journal can restore and returns them apart from those still to run. */
  restore(invocations: Invocation[]): { pending: Invocation[]; restored: Invocation[] } {
    const pending: Invocation[] = [];
    const restored: Invocation[] = [];
    for (const invocation of invocations) (this.restoreOne(invocation) ? restored : pending).push(invocation);
    return { pending, restored };
  }

  /** Fills in one pending record from the journal, if it can be restored; says whether it was. */
  restoreOne(invocation: Invocation): boolean {
    const key = journalKey(invocation.phase, invocation.id);
    const kept = this.kept.get(key);
    if (!kept || !this.#reusable(kept, invocation)) return false;
    invocation.status = kept.status;
    invocation.attempts = kept.attempts;
    if ('output' in kept) invocation.output = kept.output;
    if (kept.error) invocation.error = kept.error;
    let keys = this.#restored.get(invocation.phase);
    if (!keys) this.#restored.set(invocation.phase, (keys = []));
    keys.push(key);
    return true;
  }

  /** Keeps a final record; aborted ones are not final for a resume, and are left out. */
  keep(invocation: Invocation): void {
    const digest = this.digests.get(invocation.phase);
    if (invocation.status === 'aborted' || digest === undefined) return;
    // A literal of one shape, not a spread: a spread of a record costs as much as the rest of a call.
    const { id, phase, input, status, attempts } = invocation;
    const record: JournalRecord = { id, phase, input, status, attempts, deployableDigest: digest, session: this.id };
    if ('output' in invocation) record.output = invocation.output;
    if (invocation.error) record.error = invocation.error;
    this.journal.append(record);
  }

  /**
   * A phase's final records as this session knows them: those restored, then those it kept, read
   * back from the journal; undefined when the journal cannot be read back one record at a time.
   */
  storedRecords(phase: string): StoredRecords | undefined {
    const { journal } = this;
    if (!journal.records) return undefined;
    const restored = this.#restored.get(phase) ?? [];
    const read = async function* (this: JournalSession): AsyncIterable<Invocation> {
      for (const key of restored) yield this.kept.get(key)!;
      await journal.flush();
      for await (const record of journal.records!()) {
        if (record.session === this.id && record.phase === phase) yield record;
      }
    };
    return { read: read.bind(this) };
  }

  #reusable(kept: JournalRecord, invocation: Invocation): boolean {
    const final = kept.status === 'succeeded' || (kept.status === 'failed' && !this.retryFailed);
    return (
      final &&
      kept.deployableDigest === this.digests.get(invocation.phase) &&
      JSON.stringify(kept.input) === JSON.stringify(invocation.input)
    );
  }
}
