import { setMaxListeners } from 'node:events';

/** The abort reason of a call's own deadline, told apart from other reasons by identity. */
export const DEADLINE_EXPIRED = Object.freeze(new Error('attempt deadline expired'));

/** Calls that may share one signal: Node's addEventListener scans the listeners, so groups stay small. */
const GROUP_SIZE = 16;

interface Group {
  readonly controller: AbortController;
  readonly timer: NodeJS.Timeout;
  /** Calls started within the group's window; it takes no more once this reaches GROUP_SIZE. */
  joined: number;
  /** Calls still running. */
  running: number;
}

/**
 * Abort signals with a deadline, shared by up to 16 calls that start within the same short
 * window: one AbortController and one timer per group instead of per call. A call's deadline fires
 * between `timeoutMs` and `timeoutMs + window` after it started; a phase stop aborts every group.
 */
export class DeadlineSignals {
  readonly #timeoutMs: number;
  readonly #windowMs: number;
  readonly #live = new Set<Group>();
  #current: Group | undefined;
  #currentUntil = 0;
  #stoppedWith: unknown;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#windowMs = Math.max(5, Math.ceil(timeoutMs / 100));
  }

  /** A group for a call that started at `at`; hand it back with `release` when the call ends. */
  acquire(at: number): Group {
    let group = this.#current;
    if (!group || group.joined >= GROUP_SIZE || at >= this.#currentUntil || group.controller.signal.aborted) {
      if (group) this.#retire(group, true);
      group = this.#open();
      this.#current = group;
      this.#currentUntil = at + this.#windowMs;
    }
    group.joined++;
    group.running++;
    return group;
  }

  release(group: Group): void {
    group.running--;
    if (group.running === 0) this.#retire(group, group === this.#current);
  }

  /** Aborts every group with `reason` (the phase stopped); groups opened later start aborted. */
  abortAll(reason: unknown): void {
    this.#stoppedWith = reason;
    for (const group of this.#live) group.controller.abort(reason);
  }

  #open(): Group {
    const controller = new AbortController();
    setMaxListeners(GROUP_SIZE + 1, controller.signal);
    if (this.#stoppedWith !== undefined) controller.abort(this.#stoppedWith);
    // Whole milliseconds: Node keeps one timer list per distinct duration.
    const timer = setTimeout(() => controller.abort(DEADLINE_EXPIRED), this.#timeoutMs + this.#windowMs);
    const group: Group = { controller, timer, joined: 0, running: 0 };
    this.#live.add(group);
    return group;
  }

  /** A group ends with its last call (its timer must not outlive the calls), closed to new ones then. */
  #retire(group: Group, closing: boolean): void {
    if (closing) this.#current = undefined;
    if (group.running > 0) return;
    clearTimeout(group.timer);
    this.#live.delete(group);
  }
}
