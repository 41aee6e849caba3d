import type { Deployable, Deployment, Platform } from '../src/index.js';
import type { InvokeOptions, InvokeResult } from '../src/spi.js';

/** Answers every call at once, in process: what is left to measure is falco's own overhead. */
export class NoopPlatform implements Platform {
  readonly name = 'noop';

  async deploy(deployable: Deployable): Promise<Deployment> {
    return { name: 'noop', platform: this.name, runtime: deployable.runtime, memoryMB: deployable.memoryMB, timeoutMs: deployable.timeoutMs, idempotent: true };
  }

  async fetchDeployment(): Promise<Deployment | undefined> {
    return undefined;
  }

  async invoke<O>(_deployment: Deployment, input: unknown, _options: InvokeOptions): Promise<InvokeResult<O>> {
    return { output: input as O };
  }

  async remove(): Promise<void> {}

  async close(): Promise<void> {}
}
