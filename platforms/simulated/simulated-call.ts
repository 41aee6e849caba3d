import { abortedError, FunctionError, TimeoutError, TransientError, type PlatformTimings } from '../../src/errors.js';
import type { Deployment, InvokeOptions, InvokeResult } from '../../src/platform.js';
import { drawLatency } from './latency.js';
import type { SimulatedSettings } from './options.js';
import { attemptKey, invocationKey, type KeyedRandom } from './random.js';
import { Sleeper } from './wake-ups.js';

export interface SimulatedDeployment extends Deployment {
  /** Warm instances not running a call. */
  idle: number;
}

/**
 * One call on the simulated platform: its fate is drawn when it starts (how long it takes,
 * whether it hangs, fails or straggles), its outcome is made when it wakes, and `promise` settles
 * with it. A call is one object and one promise, whatever its fate.
 */
export class SimulatedCall extends Sleeper {
  readonly promise: Promise<InvokeResult>;
  readonly invocationId: string;
  readonly activationId: string;
  readonly startedAt: number;
  readonly coldStart: boolean;
  readonly initDurationMs: number;
  /** How long the function runs, in whole milliseconds (the resolution of timers). */
  readonly durationMs: number;
  /** It never answers, or not within its deployment's timeout: it ends at the timeout. */
  readonly timesOut: boolean;
  readonly transient: boolean;
  readonly functionFails: boolean;
  #resolve!: (result: InvokeResult) => void;
  #reject!: (error: unknown) => void;
  #settled = false;

  constructor(
    private readonly settings: SimulatedSettings,
    random: KeyedRandom,
    private readonly deployment: SimulatedDeployment,
    private readonly input: unknown,
    options: InvokeOptions,
    private readonly onEnd: (deployment: SimulatedDeployment) => void,
  ) {
    super();
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const s = settings;
    const speculative = options.speculative === true;
    this.invocationId = options.invocationId;
    this.activationId = activationIdOf(options);
    this.coldStart = deployment.idle === 0;
    if (!this.coldStart) deployment.idle--;
    this.startedAt = s.clock.now();
    this.initDurationMs = this.coldStart ? s.coldStartMs : 0;
    random.reset(attemptKey(s.seed, options.invocationId, options.attempt, speculative));
    let durationMs = drawLatency(s.latency, random.next);
    if (random.next() < s.stragglerRate) durationMs *= s.stragglerFactor;
    this.durationMs = Math.round(durationMs);
    const hangs = random.next() < s.hangRate;
    this.transient = random.next() < s.transientErrorRate;
    this.timesOut = hangs || this.initDurationMs + this.durationMs > deployment.timeoutMs;
    // It is the function's nature: every attempt of the invocation draws the same.
    this.functionFails = s.functionErrorRate > 0 && random.reset(invocationKey(s.seed, options.invocationId)).next() < s.functionErrorRate;
  }

  /** How long it waits before it answers. */
  get sleepMs(): number {
    return this.timesOut ? this.deployment.timeoutMs : this.initDurationMs + this.durationMs;
  }

  wake(): void {
    if (this.#settled) return;
    let output: unknown;
    try {
      output = this.#output();
    } catch (error) {
      return this.#fail(error);
    }
    if (isThenable(output)) Promise.resolve(output).then((value: unknown) => this.#succeed(value), (error: unknown) => this.#fail(error));
    else this.#succeed(output);
  }

  /** The platform refused the wait: the clock's sleep rejects with the signal's reason. */
  abort(reason: unknown): void {
    if (this.#settled) return;
    this.#fail(abortedError(reason, `simulated call ${this.activationId}`));
  }

  #output(): unknown {
    const { deployment, settings: s } = this;
    if (this.timesOut) {
      throw new TimeoutError(`simulated function exceeded its timeout of ${deployment.timeoutMs} ms`, { timings: this.#timings(deployment.timeoutMs) });
    }
    if (this.transient) throw new TransientError('simulated platform: 503 Service Unavailable', { timings: this.#timings(this.durationMs) });
    const needed = typeof s.memoryNeededMB === 'function' ? s.memoryNeededMB(this.input) : s.memoryNeededMB;
    if (needed !== undefined && needed > deployment.memoryMB) {
      throw new FunctionError(`simulated function ran out of memory: it needs ${needed} MB, its deployment "${deployment.name}" has ${deployment.memoryMB} MB`, {
        errorType: 'OutOfMemory',
        outOfMemory: true,
        timings: { ...this.#timings(this.durationMs), memoryUsedMB: deployment.memoryMB },
      });
    }
    if (this.functionFails) {
      throw new FunctionError(`simulated function error in "${this.invocationId}"`, {
        errorType: 'SimulatedError',
        timings: this.#timings(this.durationMs),
      });
    }
    return s.handler ? s.handler(this.input) : this.input;
  }

  #succeed(output: unknown): void {
    this.#settle();
    const { activationId, startedAt, coldStart, durationMs } = this;
    this.#resolve(coldStart ? { output, activationId, startedAt, coldStart, initDurationMs: this.initDurationMs, durationMs } : { output, activationId, startedAt, coldStart, durationMs });
  }

  #fail(error: unknown): void {
    this.#settle();
    this.#reject(error);
  }

  #settle(): void {
    this.#settled = true;
    this.onEnd(this.deployment);
  }

  #timings(durationMs: number): PlatformTimings {
    const { activationId, startedAt, coldStart } = this;
    return coldStart ? { activationId, startedAt, coldStart, initDurationMs: this.initDurationMs, durationMs } : { activationId, startedAt, coldStart, durationMs };
  }
}

/** Also the key of the call's fate (see `attemptKey`): a speculative copy draws its own. */
export function activationIdOf(options: InvokeOptions): string {
  return `sim-${options.invocationId}-${options.attempt}${options.speculative ? 's' : ''}`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}
