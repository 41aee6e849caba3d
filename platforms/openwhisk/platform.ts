import { now } from '../../src/clock.js';
import type { CongestionOptions } from '../../src/congestion/index.js';
import type { Deployable } from '../../src/deployable.js';
import { ConfigError, FalcoError, FatalError, TimeoutError } from '../../src/errors.js';
import type { CallOptions, Deployment, InvokeOptions, InvokeResult, Platform, Submission } from '../../src/platform.js';
import { pollUntil } from '../../src/poll.js';
import { deploymentName } from '../shared/names.js';
import { actionBody, deploymentOf } from './action.js';
import { activationOutcome, isActivation, type Activation } from './activation.js';
import { ActivationsApi } from './activations-api.js';
import { OpenWhiskClient } from './client.js';
import { aborted } from './errors.js';
import { parseOpenWhiskOptions, type OpenWhiskOptions, type OpenWhiskSettings } from './options.js';

/** How long after its own time limit an activation handed back unfinished (202) is still polled for. */
const CUT_OFF_GRACE_MS = 60_000;
const MAX_POLL_INTERVAL_MS = 2_000;
/** The limit on removing an action left by a deploy that failed half-way. */
const CLEANUP_TIMEOUT_MS = 10_000;

/**
 * Apache OpenWhisk: actions managed through the real `openwhisk` client, invokes and activations
 * over undici (see activations-api.ts). Connection settings come from the options, then
 * `__OW_API_HOST` / `__OW_API_KEY` / `__OW_NAMESPACE`, then `~/.wskprops`.
 */
export class OpenWhiskPlatform implements Platform {
  readonly name = 'openwhisk';
  /** AIMD on OpenWhisk's 429s, never past the agent's sockets. */
  readonly defaultCongestion: CongestionOptions;
  readonly #settings: OpenWhiskSettings;
  #client: Promise<OpenWhiskClient> | undefined;
  #api: Promise<ActivationsApi> | undefined;
  /** The API once connected, so a call does not wait a turn for a promise already settled. */
  #apiReady: ActivationsApi | undefined;
  #closed = false;

  constructor(options: OpenWhiskOptions = {}) {
    this.#settings = parseOpenWhiskOptions(options);
    this.defaultCongestion = { kind: 'aimd', max: this.#settings.concurrency };
  }

  async deploy(deployable: Deployable, options: CallOptions = {}): Promise<Deployment> {
    const body = await actionBody(deployable, this.#settings.actionConcurrency);
    const client = await this.#connect();
    const name = deploymentName(deployable.name);
    try {
      await client.putAction(name, body, options.signal);
    } catch (error) {
      if (mayHaveCreated(error)) {
        await client.deleteAction(name, AbortSignal.timeout(CLEANUP_TIMEOUT_MS)).catch(() => undefined);
      }
      throw error;
    }
    const { runtime, memoryMB, timeoutMs, idempotent } = deployable;
    return { name, platform: this.name, runtime, memoryMB, timeoutMs, idempotent };
  }

  async fetchDeployment(name: string, options: CallOptions = {}): Promise<Deployment | undefined> {
    const action = await (await this.#connect()).getAction(name, options.signal);
    return action && deploymentOf(action);
  }

  async invoke<O = unknown>(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<InvokeResult<O>> {
    const api = this.#apiReady ?? (await this.#activations());
    const sentAt = now();
    const answer = await api.invoke(deployment.name, actionParams(input), true, options.signal);
    if (isActivation(answer)) return activationOutcome<O>(answer, { sentAt, receivedAt: now() });
    return this.#awaitCutOff<O>(api, deployment, answer.activationId, sentAt, options.signal);
  }

  async submit(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<Submission> {
    const api = await this.#activations();
    const { activationId } = await api.invoke(deployment.name, actionParams(input), false, options.signal);
    return { activationId };
  }

  async poll<O = unknown>(_deployment: Deployment, submission: Submission, options: CallOptions = {}): Promise<InvokeResult<O> | undefined> {
    const activation = await (await this.#activations()).getActivation(submission.activationId, options.signal);
    return activation && activationOutcome<O>(activation, { receivedAt: now() });
  }

  async remove(deployment: Deployment, options: CallOptions = {}): Promise<void> {
    await (await this.#connect()).deleteAction(deployment.name, options.signal);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#apiReady = undefined;
    const client = await this.#client?.catch(() => undefined);
    client?.close();
    await (await this.#api?.catch(() => undefined))?.close();
  }

  #connect(): Promise<OpenWhiskClient> {
    if (this.#closed) return Promise.reject(new FatalError('this OpenWhiskPlatform is closed'));
    this.#client ??= OpenWhiskClient.connect(this.#settings);
    return this.#client;
  }

  #activations(): Promise<ActivationsApi> {
    this.#api ??= this.#connect().then((client) => {
      const api = new ActivationsApi(client.connection, this.#settings);
      if (!this.#closed) this.#apiReady = api;
      return api;
    });
    return this.#api;
  }

  /** A blocking call the server cut off (202) is not an error: its activation is polled until it ends. */
  async #awaitCutOff<O>(
    api: ActivationsApi,
    deployment: Deployment,
    activationId: string,
    sentAt: number,
    signal: AbortSignal | undefined,
  ): Promise<InvokeResult<O>> {
    const waitMs = deployment.timeoutMs + CUT_OFF_GRACE_MS;
    const deadline = now() + waitMs;
    const ended = async (): Promise<Activation | undefined> => {
      const activation = await api.getActivation(activationId, signal);
      if (activation || now() <= deadline) return activation;
      throw new TimeoutError(
        `activation ${activationId} of action "${deployment.name}" had not ended ${waitMs} ms after OpenWhisk handed the blocking call back unfinished`,
        { timings: { activationId } },
      );
    };
    const backoff = { firstMs: this.#settings.pollIntervalMs, maxMs: MAX_POLL_INTERVAL_MS, factor: 1.5 };
    try {
      return activationOutcome<O>(await pollUntil(ended, backoff, signal), { sentAt, receivedAt: now() });
    } catch (error) {
      throw signal?.aborted && error === signal.reason ? aborted(signal, `waiting for activation ${activationId}`) : error;
    }
  }
}

/** OpenWhisk passes an action its input as parameters: a JSON object. */
function actionParams(input: unknown): object {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) return input;
  const got = Array.isArray(input) ? 'an array' : input === null ? 'null' : `a ${typeof input}`;
  throw new ConfigError(`OpenWhisk actions take a JSON object as input (their parameters); got ${got}: wrap it, e.g. { value: ... }`);
}

/** Whether a failed deploy may still have created the action: the server answered 5xx, or we stopped waiting. */
function mayHaveCreated(error: unknown): boolean {
  if (!(error instanceof FalcoError)) return false;
  if (error.errorClass === 'aborted' || error.errorClass === 'timeout') return true;
  return error.errorClass === 'transient' && typeof (error.cause as { statusCode?: unknown } | undefined)?.statusCode === 'number';
}
