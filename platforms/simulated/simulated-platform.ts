import { deployable as checkDeployable, type Deployable } from '../../src/deployable.js';
import { realClock } from '../../src/clock.js';
import { FatalError, ThrottledError } from '../../src/errors.js';
import { parseOptions } from '../../src/options.js';
import type { CallOptions, Deployment, InvokeOptions, InvokeResult, Platform, Submission } from '../../src/platform.js';
import { Activations } from '../shared/activations.js';
import { deploymentName } from '../shared/names.js';
import { latencySchema, type Latency } from './latency.js';
import { parseSimulatedOptions, type SimulatedPlatformOptions, type SimulatedSettings } from './options.js';
import { KeyedRandom } from './random.js';
import { activationIdOf, SimulatedCall, type SimulatedDeployment } from './simulated-call.js';
import { WakeUps } from './wake-ups.js';

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
  /** Draws every call's fate in turn (a call draws all of it when it starts). */
  readonly #random = new KeyedRandom();
  readonly #wakeUps = new WakeUps();
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

  invoke<O>(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<InvokeResult<O>> {
    try {
      return this.#start(deployment, input, options) as Promise<InvokeResult<O>>;
    } catch (error) {
      return Promise.reject(error);
    }
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
    const s = this.#settings;
    const { concurrencyCap, retryAfterMs } = s;
    if (concurrencyCap !== undefined && this.#inFlight >= concurrencyCap) {
      this.#throttled++;
      throw new ThrottledError(`simulated platform: concurrency limit of ${concurrencyCap} reached`, retryAfterMs === undefined ? {} : { retryAfterMs });
    }
    this.#inFlight++;
    if (this.#inFlight > this.#peakInFlight) this.#peakInFlight = this.#inFlight;
    const call = new SimulatedCall(s, this.#random, live, input, options, this.#ended);
    if (s.clock === realClock) this.#wakeUps.sleep(call.sleepMs, options.signal, call);
    else s.clock.sleep(call.sleepMs, options.signal).then(() => call.wake(), (reason: unknown) => call.abort(reason));
    return call.promise;
  }

  readonly #ended = (deployment: SimulatedDeployment): void => {
    deployment.idle++;
    this.#inFlight--;
  };

  async remove(deployment: Deployment): Promise<void> {
    this.#deployments.delete(deployment.name);
  }

  async close(): Promise<void> {
    this.#deployments.clear();
    this.#activations.clear();
  }
}
