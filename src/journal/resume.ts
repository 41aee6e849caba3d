import type { Deployable } from '../deployable.js';
import { deployableDigest } from '../deployable-digest.js';
import type { Invocation } from '../invocation.js';
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
    for (const invocation of invocations) {
      const kept = this.kept.get(journalKey(invocation.phase, invocation.id));
      if (kept && this.#reusable(kept, invocation)) {
        invocation.status = kept.status;
        invocation.attempts = kept.attempts;
        if ('output' in kept) invocation.output = kept.output;
        if (kept.error) invocation.error = kept.error;
        restored.push(invocation);
      } else {
        pending.push(invocation);
      }
    }
    return { pending, restored };
  }

  /** Keeps a final record; aborted ones are not final for a resume, and are left out. */
  keep(invocation: Invocation): void {
    const digest = this.digests.get(invocation.phase);
    if (invocation.status === 'aborted' || digest === undefined) return;
    this.journal.append({ ...invocation, deployableDigest: digest });
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
