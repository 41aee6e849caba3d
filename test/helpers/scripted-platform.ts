import { FatalError, type Deployable, type Deployment, type FalcoError, type Platform } from '../../src/index.js';
import { now, sleep, type InvokeOptions, type InvokeResult } from '../../src/spi.js';

export interface Script {
  /** Errors to throw on successive attempts of one invocation, then success. */
  readonly failures?: (() => FalcoError)[];
  readonly delayMs?: number;
}

/**
 * An in-process platform whose every call follows a script per invocation id: for executor tests
 * that need exact control of which attempt fails how. It records when each call ran.
 */
export class ScriptedPlatform implements Platform {
  readonly name = 'scripted';
  readonly calls: { id: string; attempt: number; start: number; end: number }[] = [];
  readonly removed: string[] = [];
  #inFlight = 0;
  peakInFlight = 0;
  readonly #deployments = new Set<string>();
  #count = 0;

  constructor(private readonly scripts: (id: string) => Script = () => ({})) {}

  async deploy(deployable: Deployable): Promise<Deployment> {
    const name = `scripted-${deployable.name}-${this.#count++}`;
    this.#deployments.add(name);
    return { name, platform: this.name, runtime: deployable.runtime, memoryMB: deployable.memoryMB, timeoutMs: deployable.timeoutMs, idempotent: true };
  }

  async fetchDeployment(name: string): Promise<Deployment | undefined> {
    return this.#deployments.has(name)
      ? { name, platform: this.name, runtime: 'nodejs:20', memoryMB: 256, timeoutMs: 60_000, idempotent: true }
      : undefined;
  }

  async invoke<O>(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<InvokeResult<O>> {
    if (!this.#deployments.has(deployment.name)) throw new FatalError(`no deployment ${deployment.name}`);
    const start = now();
    this.#inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.#inFlight);
    try {
      const script = this.scripts(options.invocationId);
      await sleep(script.delayMs ?? 0, options.signal);
      const failure = script.failures?.[options.attempt - 1];
      if (failure) throw failure();
      return { output: input as O, activationId: `${options.invocationId}/${options.attempt}` };
    } finally {
      this.#inFlight--;
      this.calls.push({ id: options.invocationId, attempt: options.attempt, start, end: now() });
    }
  }

  async remove(deployment: Deployment): Promise<void> {
    this.removed.push(deployment.name);
    this.#deployments.delete(deployment.name);
  }

  async close(): Promise<void> {
    this.#deployments.clear();
  }
}
