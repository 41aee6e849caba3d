import type { LogRecord } from '../../stores/ports/workflow-log.js';
import type { CallRecord, CodeRecord, FinishedRecord, ResultRecord, StalledRecord, StartedRecord } from './records.js';

/** The number in a position: `M001` → 1. */
export function positionNumber(position: string): number {
  return Number(position.slice(1));
}

/** A slot's position: `M001/17` → `M001`. */
export function positionOf(slot: string): string {
  return slot.slice(0, slot.indexOf('/'));
}

/**
 * A run's log, folded: the call made at each position, how each slot ended (in its current
 * epoch), and whether the run finished. Records are applied in log order; a result for a slot
 * that has one already (a redelivered event) or that belongs to an epoch a retry left behind changes nothing.
 */
export class History {
  started: StartedRecord | undefined;
  finished: FinishedRecord | undefined;
  /** Why the run stalled, until a coordinator ran again. */
  stalled: StalledRecord | undefined;
  readonly #calls = new Map<number, CallRecord>();
  readonly #results = new Map<string, ResultRecord>();
  readonly #epochs = new Map<string, number>();
  readonly #dispatched = new Set<string>();
  #resultCount = 0;

  static of(records: readonly LogRecord[]): History {
    const history = new History();
    for (const record of records) history.apply(record as CodeRecord);
    return history;
  }

  /** Applies a record; false when it changed nothing (a duplicate result). */
  apply(record: CodeRecord): boolean {
    switch (record.kind) {
      case 'started':
        this.started ??= record;
        return true;
      case 'call':
        if (this.#calls.has(positionNumber(record.position))) return false;
        this.#calls.set(positionNumber(record.position), record);
        return true;
      case 'result':
        if (!this.accepts(record.slot, record.epoch)) return false;
        this.#results.set(record.slot, record);
        this.#resultCount++;
        return true;
      case 'retry':
        for (const slot of record.slots) {
          this.#epochs.set(slot, record.epoch);
          if (this.#results.delete(slot)) this.#resultCount--;
        }
        this.finished = undefined;
        return true;
      case 'dispatched':
        for (const slot of record.slots) this.#dispatched.add(`${slot}~${record.epoch}`);
        return true;
      case 'stalled':
        this.stalled = record;
        return true;
      case 'resumed':
        this.stalled = undefined;
        return true;
      case 'finished':
        this.finished ??= record;
        return true;
    }
  }

  /** Whether a result for the slot in this epoch would be new. */
  accepts(slot: string, epoch: number): boolean {
    return epoch === this.epochOf(slot) && !this.#results.has(slot);
  }

  call(position: string): CallRecord | undefined {
    return this.#calls.get(positionNumber(position));
  }

  result(slot: string): ResultRecord | undefined {
    return this.#results.get(slot);
  }

  epochOf(slot: string): number {
    return this.#epochs.get(slot) ?? 0;
  }

  /** Whether a retried slot's command went out (epoch 0 commands go out with the call record). */
  dispatched(slot: string): boolean {
    const epoch = this.epochOf(slot);
    return epoch === 0 || this.#dispatched.has(`${slot}~${epoch}`);
  }

  /** The slots whose invocation failed (a reduce that never ran because its map failed has no call: it counts too). */
  failedSlots(): string[] {
    return [...this.#results.values()].filter((result) => !result.ok && (this.#calls.get(positionNumber(positionOf(result.slot)))?.op ?? 'invoke') === 'invoke').map((result) => result.slot);
  }

  get calls(): readonly CallRecord[] {
    return [...this.#calls.values()];
  }

  get resultCount(): number {
    return this.#resultCount;
  }

  /** The highest epoch any retry used. */
  get lastEpoch(): number {
    return Math.max(0, ...this.#epochs.values());
  }
}
