import { AbortedError, type FalcoError, ThrottledError } from '../../src/errors.js';
import type { InvokeResult } from '../../src/platform.js';
import type { Slot } from './slot.js';

/**
 * The calls of one deployment that found every instance busy, first come first served. Each
 * waits at most `maxWaitMs` for an instance, then fails as throttled; its signal ends the wait.
 */
export class WaitingCalls {
  readonly #name: string;
  readonly #maxWaitMs: number;
  readonly #calls: WaitingCall[] = [];

  constructor(name: string, maxWaitMs: number) {
    this.#name = name;
    this.#maxWaitMs = maxWaitMs;
  }

  wait(args: string, signal: AbortSignal | undefined, activationId: string, instances: number): Promise<InvokeResult> {
    const throttled = (): ThrottledError =>
      new ThrottledError(`function "${this.#name}" stayed busy on all of its ${instances} instances for ${this.#maxWaitMs} ms (maxWaitMs); try again later, or allow more instances (maxInstances)`);
    const call = new WaitingCall(args, signal, activationId, this.#name);
    this.#calls.push(call);
    return call.wait(this.#maxWaitMs, throttled, () => this.#forget(call));
  }

  /** Runs the first waiting call on `slot`; false when no call is waiting. */
  startNext(slot: () => Slot): boolean {
    const call = this.#calls.shift();
    call?.start(slot());
    return call !== undefined;
  }

  failAll(error: FalcoError): void {
    for (const call of this.#calls.splice(0)) call.fail(error);
  }

  #forget(call: WaitingCall): void {
    const index = this.#calls.indexOf(call);
    if (index !== -1) this.#calls.splice(index, 1);
  }
}

/** One waiting call: its own abort listener, as a slot is. */
class WaitingCall {
  readonly #args: string;
  readonly #signal: AbortSignal | undefined;
  readonly #activationId: string;
  readonly #name: string;
  #resolve: (result: InvokeResult) => void = () => {};
  #reject: (error: FalcoError) => void = () => {};
  #timer: NodeJS.Timeout | undefined;
  #forget: () => void = () => {};

  constructor(args: string, signal: AbortSignal | undefined, activationId: string, name: string) {
    this.#args = args;
    this.#signal = signal;
    this.#activationId = activationId;
    this.#name = name;
  }

  wait(maxWaitMs: number, throttled: () => FalcoError, forget: () => void): Promise<InvokeResult> {
    this.#forget = forget;
    this.#signal?.addEventListener('abort', this);
    // Ref'd: a waiting call keeps the process alive, as a call in flight does.
    this.#timer = setTimeout(() => {
      this.#forget();
      this.fail(throttled());
    }, maxWaitMs);
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  start(slot: Slot): void {
    this.#stop();
    slot.run(this.#args, this.#signal, this.#activationId).then(this.#resolve, this.#reject);
  }

  fail(error: FalcoError): void {
    this.#stop();
    this.#reject(error);
  }

  handleEvent(): void {
    this.#forget();
    this.fail(new AbortedError(`the call to function "${this.#name}" was aborted while it waited for a free instance`, { cause: this.#signal?.reason }));
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this);
  }
}
