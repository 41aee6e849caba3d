import type { WorkflowLog } from '../../stores/ports/workflow-log.js';
import type { History } from './history.js';
import { appendedNow, type CodeRecord, type ResultRecord } from './records.js';

interface Waiter {
  readonly slots: readonly string[];
  remaining: number;
  readonly resolve: () => void;
}

/** What a blocked coordinator waits for: these slots, of which `need` more must end. */
export interface PendingWait {
  readonly slots: readonly string[];
  readonly need: number;
}

/**
 * One run as this process holds it: its history (what the log says), the log it appends to, and
 * the waiters of the coordinator's code on slots still running. `activity` counts what the code
 * did, so the coordinator can tell running code from blocked code.
 */
export class RunState {
  readonly run: string;
  readonly history: History;
  readonly log: WorkflowLog;
  activity = 0;
  #busy = 0;
  readonly #waiters = new Map<string, Set<Waiter>>();

  constructor(run: string, history: History, log: WorkflowLog) {
    this.run = run;
    this.history = history;
    this.log = log;
  }

  /** Work the code's progress hangs on besides the waiters (checking a call against the log): the coordinator is not blocked while it runs. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#busy++;
    return work.finally(() => {
      this.#busy--;
      this.activity++;
    });
  }

  get busy(): boolean {
    return this.#busy > 0;
  }

  /** Appends records to the log with the time now, then applies them as logged. */
  async record(records: readonly CodeRecord[]): Promise<void> {
    if (records.length === 0) return;
    const appended = appendedNow(records);
    await this.log.append(this.run, appended);
    for (const record of appended) {
      if (this.history.apply(record) && record.kind === 'result') this.#ended(record.slot);
    }
  }

  /** Logs the results that are new (one per slot and epoch, whatever was delivered twice) and wakes their waiters. */
  async ingest(results: readonly ResultRecord[]): Promise<number> {
    const seen = new Set<string>();
    const fresh = results.filter((result) => {
      const key = `${result.slot}~${result.epoch}`;
      if (seen.has(key) || !this.history.accepts(result.slot, result.epoch)) return false;
      seen.add(key);
      return true;
    });
    await this.record(fresh);
    return fresh.length;
  }

  /** Resolves once `need` of the slots have ended. */
  waitFor(slots: readonly string[], need: number): Promise<void> {
    const remaining = need - slots.filter((slot) => this.history.result(slot) !== undefined).length;
    if (remaining <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = { slots, remaining, resolve };
      for (const slot of slots) {
        let set = this.#waiters.get(slot);
        if (!set) this.#waiters.set(slot, (set = new Set()));
        set.add(waiter);
      }
    });
  }

  /** What the code waits for now, one entry per waiter; only slots still running are named. */
  pendingWaits(): PendingWait[] {
    const waiters = new Set<Waiter>();
    for (const set of this.#waiters.values()) for (const waiter of set) waiters.add(waiter);
    return [...waiters].map((waiter) => ({ slots: waiter.slots.filter((slot) => this.history.result(slot) === undefined), need: waiter.remaining }));
  }

  /** Forgets the waiters of a coordinator that suspended: its code is abandoned. */
  clearWaiters(): void {
    this.#waiters.clear();
  }

  #ended(slot: string): void {
    const set = this.#waiters.get(slot);
    if (!set) return;
    this.#waiters.delete(slot);
    for (const waiter of set) {
      if (--waiter.remaining > 0) continue;
      for (const other of waiter.slots) this.#waiters.get(other)?.delete(waiter);
      this.activity++;
      waiter.resolve();
    }
  }
}
