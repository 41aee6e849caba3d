import { deployable as checkDeployable, type Deployable } from '../../src/deployable.js';
import { abortedError, FatalError, FunctionError, ThrottledError, TimeoutError, TransientError } from '../../src/errors.js';
import { parseOptions } from '../../src/options.js';
import type { CallOptions, Deployment, InvokeOptions, InvokeResult, Platform, Submission } from '../../src/platform.js';
import { Activations } from '../shared/activations.js';
import { deploymentName } from '../shared/names.js';
import { drawLatency, latencySchema, type Latency } from './latency.js';
import { parseSimulatedOptions, type SimulatedPlatformOptions, type SimulatedSettings } from './options.js';
import { keyedRandom } from './random.js';


interface SimulatedDeployment extends Deployment {
  idle: number;
}

/**
 * A platform where no code runs: each call waits a drawn latency and fails at configured rates.
 * For executor and retry tests, benchmarks, and what-if runs at scales no real function reaches.
 */
export class SimulatedPlatform implements Platform {
  readonly name = 'simulated';
  /** It stands in for a cloud platform, whose account limit the user does not know. */
  readonly defaultCongestion = { kind: 'aimd', max: 10_000 } as const;
  #settings: SimulatedSettings;
  readonly #deployments = new Map<string, SimulatedDeployment>();
  readonly #activations = new Activations();
  #inFlight = 0;
  #peakInFlight = 0;
  #calls = 0;
  #throttled = 0;

  constructor(options: SimulatedPlatformOptions = {}) {
    this.#settings = parseSimulatedOptions(options);
  }

  /** What the platform saw: calls, throttled calls, and the most calls in flight at once. */
  get stats(): { calls: number; throttled: number; peakInFlight: number } {
    return { calls: this.#calls, throttled: this.#throttled, peakInFlight: this.#peakInFlight };
  }

  /** Calls from now on take this long: latency that changes during a run. */
  setLatency(latency: Latency): void {
    this.#settings = { ...this.#settings, latency: parseOptions(latencySchema, latency, 'SimulatedPlatform latency') };
  }

  async deploy(deployable: Deployable, options: CallOptions = {}): Promise<Deployment> {
    options.signal?.throwIfAborted();
    const checked = checkDeployable(deployable);
    const deployment: SimulatedDeployment = {
      name: deploymentName(checked.name),
      platform: this.name,
      runtime: checked.runtime,
      memoryMB: checked.memoryMB,
      timeoutMs: checked.timeoutMs,
      idempotent: checked.idempotent,
      idle: 0,
    };
    this.#deployments.set(deployment.name, deployment);
    return deployment;
  }

  async fetchDeployment(name: string): Promise<Deployment | undefined> {
    return this.#deployments.get(name);
  }

  async invoke<O>(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<InvokeResult<O>> {
    return (await this.#start(deployment, input, options)) as InvokeResult<O>;
  }

  async submit(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<Submission> {
    const activationId = activationIdOf(options);
    // The activation runs on, detached from the submitting request, as on a real platform.
    const detached: InvokeOptions = { invocationId: options.invocationId, attempt: options.attempt, speculative: options.speculative === true };
    this.#activations.add(deployment.name, activationId, this.#start(deployment, input, detached));
    return { activationId };
  }

  async poll<O>(deployment: Deployment, submission: Submission): Promise<InvokeResult<O> | undefined> {
    return this.#activations.take(deployment.name, submission.activationId) as InvokeResult<O> | undefined;
  }

  /** Starts a call; throws at once when the platform refuses it (missing deployment, throttled). */
  #start(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<InvokeResult> {
    const live = this.#deployments.get(deployment.name);
    if (!live) throw new FatalError(`deployment "${deployment.name}" does not exist on the simulated platform (removed, or never deployed)`);
    this.#calls++;
    const { concurrencyCap, retryAfterMs } = this.#settings;
    if (concurrencyCap !== undefined && this.#inFlight >= concurrencyCap) {
      this.#throttled++;
      throw new ThrottledError(`simulated platform: concurrency limit of ${concurrencyCap} reached`, retryAfterMs === undefined ? {} : { retryAfterMs });
    }
    this.#inFlight++;
    this.#peakInFlight = Math.max(this.#peakInFlight, this.#inFlight);
    return this.#run(live, input, options).finally(() => this.#inFlight--);
  }

  async remove(deployment: Deployment): Promise<void> {
    this.#deployments.delete(deployment.name);
  }

  async close(): Promise<void> {
    this.#deployments.clear();
    this.#activations.clear();
  }

  async #run(deployment: SimulatedDeployment, input: unknown, options: InvokeOptions): Promise<InvokeResult> {
    const s = this.#settings;
    const activationId = activationIdOf(options);
    const random = keyedRandom(s.seed, activationId);
    const coldStart = deployment.idle === 0;
    if (!coldStart) deployment.idle--;
    const { clock } = s;
    const startedAt = clock.now();
    const initDurationMs = coldStart ? s.coldStartMs : 0;
    let durationMs = drawLatency(s.latency, random);
    if (random() < s.stragglerRate) durationMs *= s.stragglerFactor;
    // Whole milliseconds, the resolution of timers (and Node keeps one timer list per duration).
    durationMs = Math.round(durationMs);
    const hangs = random() < s.hangRate;
    const transient = random() < s.transientErrorRate;
    const timings = { activationId, startedAt, coldStart, ...(coldStart ? { initDurationMs } : {}) };
    try {
      if (hangs || initDurationMs + durationMs > deployment.timeoutMs) {
        await clock.sleep(deployment.timeoutMs, options.signal);
        throw new TimeoutError(`simulated function exceeded its timeout of ${deployment.timeoutMs} ms`, {
          timings: { ...timings, durationMs: deployment.timeoutMs },
        });
      }
      await clock.sleep(initDurationMs + durationMs, options.signal);
      if (transient) throw new TransientError('simulated platform: 503 Service Unavailable', { timings: { ...timings, durationMs } });
      const needed = typeof s.memoryNeededMB === 'function' ? s.memoryNeededMB(input) : s.memoryNeededMB;
      if (needed !== undefined && needed > deployment.memoryMB) {
        throw new FunctionError(`simulated function ran out of memory: it needs ${needed} MB, its deployment "${deployment.name}" has ${deployment.memoryMB} MB`, {
          errorType: 'OutOfMemory',
          outOfMemory: true,
          timings: { ...timings, durationMs, memoryUsedMB: deployment.memoryMB },
        });
      }
      if (keyedRandom(s.seed, options.invocationId)() < s.functionErrorRate) {
        throw new FunctionError(`simulated function error in "${options.invocationId}"`, { errorType: 'SimulatedError', timings: { ...timings, durationMs } });
      }
      const output = s.handler ? await s.handler(input) : input;
      return { output, ...timings, durationMs };
    } catch (error) {
      // The clock's sleep rejects with the signal's reason; a platform throws only falco's errors.
      throw options.signal?.aborted && error === options.signal.reason ? abortedError(error, `simulated call ${activationId}`) : error;
    } finally {
      deployment.idle++;
    }
  }
}

/** Also the key of the call's fate: a speculative copy draws its own. */
function activationIdOf(options: InvokeOptions): string {
  return `sim-${options.invocationId}-${options.attempt}${options.speculative ? 's' : ''}`;
}
