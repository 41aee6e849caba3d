import { FatalError, type InvokeResult, ThrottledError } from '../../src/index.js';
import type { InstanceFactory } from './instance.js';
import { type PoolContext, Slot } from './slot.js';

export interface PoolSettings {
  readonly name: string;
  readonly maxInstances: number;
  readonly timeoutMs: number;
  readonly memoryMB: number;
  readonly idleTimeoutMs: number;
}

/**
 * The instances of one deployment. A call takes the most recently used idle instance (so the
 * others go idle long enough to be ended), or starts a new one while the pool is below its cap;
 * past the cap it is refused at once, as a FaaS platform throttles.
 */
export class Pool implements PoolContext {
  readonly name: string;
  readonly timeoutMs: number;
  readonly memoryMB: number;
  readonly idleTimeoutMs: number;
  readonly #maxInstances: number;
  readonly #factory: InstanceFactory;
  readonly #slots = new Set<Slot>();
  readonly #idle: Slot[] = [];

  constructor(settings: PoolSettings, factory: InstanceFactory) {
    this.name = settings.name;
    this.timeoutMs = settings.timeoutMs;
    this.memoryMB = settings.memoryMB;
    this.idleTimeoutMs = settings.idleTimeoutMs;
    this.#maxInstances = settings.maxInstances;
    this.#factory = factory;
  }

  /** Starts one call; throws a ThrottledError at once when every instance is busy and the pool is full. */
  call(args: string, signal: AbortSignal | undefined, activationId: string): Promise<InvokeResult> {
    let slot = this.#idle.pop();
    if (slot === undefined) {
      if (this.#slots.size >= this.#maxInstances) {
        throw new ThrottledError(`function "${this.name}" is running on all of its ${this.#maxInstances} instances; try again when one is free`);
      }
      slot = new Slot(this, this.#factory);
      this.#slots.add(slot);
    }
    return slot.run(args, signal, activationId);
  }

  release(slot: Slot): void {
    this.#idle.push(slot);
  }

  discard(slot: Slot): void {
    if (!this.#slots.delete(slot)) return;
    const index = this.#idle.indexOf(slot);
    if (index !== -1) this.#idle.splice(index, 1);
  }

  /** Ends every instance; calls in flight fail with a FatalError. */
  async remove(): Promise<void> {
    const removed = new FatalError(`deployment "${this.name}" was removed`);
    const slots = [...this.#slots];
    this.#slots.clear();
    this.#idle.length = 0;
    await Promise.all(slots.map((slot) => slot.end(removed)));
  }
}
