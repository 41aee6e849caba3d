import { rm } from 'node:fs/promises';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { deployable, FatalError, FunctionError, TimeoutError, type Deployment, type PlatformTimings } from '../../../src/index.js';
import { toFalcoError } from '../../../src/spi.js';
import type { Action, ActivationStatus, RunReport } from './entities.js';
import type { ActionRunner } from './state.js';
import { unzipAction } from './unzip.js';

interface Deployed {
  readonly deployment: Promise<Deployment>;
  /** Where a zipped action was unpacked. */
  readonly dir: Promise<string | undefined>;
}

/**
 * Runs the double's actions for real on falco's local platform. An action is deployed on its
 * first activation, as OpenWhisk initialises a container on a cold start: code that cannot load
 * is reported then, as an action developer error.
 */
export class LocalRunner implements ActionRunner {
  readonly #local = new LocalPlatform();
  readonly #deployed = new Map<Action, Deployed>();

  async run(action: Action, args: object, activationId: string): Promise<RunReport> {
    const start = Date.now();
    const finish = (status: ActivationStatus, result: object, timings?: PlatformTimings, timedOut = false): RunReport => ({
      status,
      result,
      start,
      end: Date.now(),
      ...(timings?.coldStart ? { initTime: Math.round(timings.initDurationMs ?? 0) } : {}),
      timedOut,
    });
    try {
      const deployment = await this.#deploy(action).deployment;
      const { output, ...timings } = await this.#local.invoke(deployment, args, { invocationId: activationId, attempt: 1 });
      if (output === null || typeof output !== 'object' || Array.isArray(output)) {
        return finish('action developer error', { error: 'The action did not return a dictionary.' }, timings);
      }
      return finish('success', output, timings);
    } catch (thrown) {
      const error = toFalcoError(thrown);
      // The local platform refuses such a result as OpenWhisk does, as the function's error.
      if (error instanceof FunctionError && /not a JSON object/.test(error.message)) {
        return finish('action developer error', { error: 'The action did not return a dictionary.' }, error.timings);
      }
      if (error instanceof FunctionError) {
        const result = error.errorType ? { error: { name: error.errorType, message: error.message } } : { error: error.message };
        return finish('application error', result, error.timings);
      }
      if (error instanceof TimeoutError) {
        return finish('action developer error', { error: `The action exceeded its time limits of ${action.limits.timeout} milliseconds.` }, error.timings, true);
      }
      // Code that cannot load (DeploymentError) or settings local refuses (ConfigError) fail at init.
      if (error instanceof FatalError) {
        return finish('action developer error', { error: `Initialization has failed due to: ${error.message}` }, error.timings);
      }
      return finish('whisk internal error', { error: error.message }, error.timings);
    }
  }

  /** Ends the local deployment of an action that was deleted or replaced. */
  async forget(action: Action): Promise<void> {
    const deployed = this.#deployed.get(action);
    if (!deployed) return;
    this.#deployed.delete(action);
    const deployment = await deployed.deployment.catch(() => undefined);
    if (deployment) await this.#local.remove(deployment);
    const dir = await deployed.dir;
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#deployed.keys()].map((action) => this.forget(action)));
    await this.#local.close();
  }

  #deploy(action: Action): Deployed {
    let deployed = this.#deployed.get(action);
    if (!deployed) {
      const dir = action.exec.binary ? unzipAction(action.exec.code) : Promise.resolve(undefined);
      const deployment = dir.then((path) =>
        this.#local.deploy(
          deployable({
            runtime: action.exec.kind,
            code: path === undefined ? { source: action.exec.code } : { dir: path },
            entryPoint: action.exec.main ?? 'main',
            memoryMB: action.limits.memory,
            timeoutMs: action.limits.timeout,
            name: 'ow-double',
            env: initParameters(action),
          }),
        ),
      );
      deployed = { deployment, dir: dir.catch(() => undefined) };
      this.#deployed.set(action, deployed);
    }
    return deployed;
  }
}

/** Parameters marked `init` reach the action as environment variables, as OpenWhisk passes them at init. */
function initParameters(action: Action): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { key, value, init } of action.parameters) {
    if (init) env[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return env;
}
