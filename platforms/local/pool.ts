import { FatalError, ThrottledError } from '../../src/errors.js';
import type { InvokeResult } from '../../src/platform.js';
import type { InstanceFactory } from './instance.js';
import { type PoolContext, Slot } from './slot.js';
import { WaitingCalls } from './waiting.js';

export interface PoolSettings {
  readonly name: string;
  readonly maxInstances: number;
  /** How long a call may wait for a free instance when all are busy; 0 throttles at once. */
  readonly maxWaitMs: number;
  readonly timeoutMs: number;
  readonly memoryMB: number;
  readonly idleTimeoutMs: number;
}

/**
 * The instances of one deployment, started only as calls need them. A call takes the most
 * recently used idle instance (so the others go idle long enough to be ended), or starts a new
 * one while the pool is below its cap; past the cap it waits, first come first served, for an
 * instance to be free, and is throttled when none is within `maxWaitMs`.
 */
export class Pool implements PoolContext {
  readonly name: string;
  readonly timeoutMs: number;
  readonly memoryMB: number;
  readonly idleTimeoutMs: number;
  readonly #maxInstances: number;
  readonly #maxWaitMs: number;
  readonly #factory: InstanceFactory;
  readonly #slots = new Set<Slot>();
  readonly #idle: Slot[] = [];
  readonly #waiting: WaitingCalls;
  /** Instances being ended: remove() waits for them too. */
  readonly #ending = new Set<Promise<void>>();

  constructor(settings: PoolSettings, factory: InstanceFactory) {
    this.name = settings.name;
    this.timeoutMs = settings.timeoutMs;
    this.memoryMB = settings.memoryMB;
    this.idleTimeoutMs = settings.idleTimeoutMs;
    this.#maxInstances = settings.maxInstances;
    this.#maxWaitMs = settings.maxWaitMs;
    this.#factory = factory;
    this.#waiting = new WaitingCalls(settings.name, settings.maxWaitMs);
  }

  /** Starts one call; throws a ThrottledError at once when every instance is busy and the pool may not wait. */
  call(args: string, signal: AbortSignal | undefined, activationId: string): Promise<InvokeResult> {
    const slot = this.#idle.pop() ?? (this.#slots.size < this.#maxInstances ? this.#newSlot() : undefined);
    if (slot !== undefined) return slot.run(args, signal, activationId);
    if (this.#maxWaitMs === 0) {
      throw new ThrottledError(`function "${this.name}" is running on all of its ${this.#maxInstances} instances; try again when one is free`);
    }
    return this.#waiting.wait(args, signal, activationId, this.#maxInstances);
  }

  release(slot: Slot): void {
    if (!this.#waiting.startNext(() => slot)) this.#idle.push(slot);
  }

  discard(slot: Slot, gone: Promise<void>): void {
    this.#ending.add(gone);
    void gone.then(() => this.#ending.delete(gone));
    if (!this.#slots.delete(slot)) return;
    const index = this.#idle.indexOf(slot);
    if (index !== -1) this.#idle.splice(index, 1);
    this.#waiting.startNext(() => this.#newSlot()); // its place is free
  }

  /** Ends every instance and resolves when all are gone; calls in flight or waiting fail with a FatalError. */
  async remove(): Promise<void> {
    const removed = new FatalError(`deployment "${this.name}" was removed`);
    this.#waiting.failAll(removed);
    const slots = [...this.#slots];
    this.#slots.clear();
    this.#idle.length = 0;
    await Promise.all([...slots.map((slot) => slot.end(removed)), ...this.#ending]);
  }

  #newSlot(): Slot {
    const slot = new Slot(this, this.#factory);
    this.#slots.add(slot);
    return slot;
  }
}
