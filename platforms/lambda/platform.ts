import { GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { IAMClient } from '@aws-sdk/client-iam';
import { deploymentName } from '../shared/names.js';
import { now } from '../../src/clock.js';
import type { CongestionOptions } from '../../src/congestion/index.js';
import type { Deployable } from '../../src/deployable.js';
import { ConfigError } from '../../src/errors.js';
import type { CallOptions, Deployment, InvokeOptions, InvokeResult, Platform } from '../../src/platform.js';
import { controlClient, iamClient, invokeClient, sendOptions } from './clients.js';
import { createFunction, limitConcurrency, waitUntilActive, type DeployCall } from './deploy.js';
import { deploymentFromLambda, deploymentTags, lambdaDeployment, lambdaLimits } from './deployment.js';
import { lambdaError } from './errors.js';
import { invokeFunction } from './invoke.js';
import { parseLambdaOptions, secretsOf, type LambdaOptions, type ResolvedLambdaOptions } from './options.js';
import { LAMBDA_HANDLER, lambdaPackage } from './package.js';
import { deleteFunction } from './remove.js';
import { ExecutionRole } from './role.js';
import { lambdaRuntime } from './runtimes.js';

/** Lambda's limit on a zip uploaded directly with CreateFunction. */
const ZIP_LIMIT_BYTES = 50 * 1024 * 1024;

/** Cleanup after a failed deploy runs even when the deploy was aborted, so it has its own limit. */
const CLEANUP_TIMEOUT_MS = 60_000;

/**
 * AWS Lambda through the real `@aws-sdk/client-lambda`. Functions are named `falco-<name>-<hex>`
 * and run behind a handler wrapper that gives them OpenWhisk's `main(args)` contract.
 */
export class LambdaPlatform implements Platform {
  readonly name = 'lambda';
  /** AIMD on Lambda's throttling (TooManyRequestsException), never past the invoke client's sockets. */
  readonly defaultCongestion: CongestionOptions;
  readonly #options: ResolvedLambdaOptions;
  readonly #secrets: readonly string[];
  /** Deploy, look-up, delete. */
  readonly #client: LambdaClient;
  readonly #invoker: LambdaClient;
  #iam: IAMClient | undefined;
  readonly #role: ExecutionRole;
  /** Functions this adapter deployed and has not removed: each holds the execution role. */
  readonly #deployed = new Set<string>();
  #closed = false;

  constructor(options?: LambdaOptions) {
    this.#options = parseLambdaOptions(options);
    this.#secrets = secretsOf(this.#options);
    this.#client = controlClient(this.#options);
    this.#invoker = invokeClient(this.#options, this.#options.maxSockets);
    this.defaultCongestion = { kind: 'aimd', max: this.#options.maxSockets };
    this.#role = new ExecutionRole({
      roleName: this.#options.roleName,
      roleArn: this.#options.roleArn,
      iam: () => (this.#iam ??= iamClient(this.#options)),
      lambda: this.#client,
      secrets: this.#secrets,
    });
  }

  async deploy(deployable: Deployable, options: CallOptions = {}): Promise<Deployment> {
    this.#checkOpen();
    const { signal } = options;
    const runtime = lambdaRuntime(deployable.runtime);
    const { memoryMB, timeoutSeconds } = lambdaLimits(deployable);
    const zip = await lambdaPackage(deployable);
    if (zip.byteLength > ZIP_LIMIT_BYTES) {
      throw new ConfigError(
        `the code of "${deployable.name}" is ${zip.byteLength} bytes zipped; Lambda takes at most ${ZIP_LIMIT_BYTES} bytes (50 MB) uploaded directly: leave data out of the code`,
      );
    }
    const call: DeployCall = { client: this.#client, deadline: now() + this.#options.deployTimeoutMs, signal, secrets: this.#secrets };
    const role = await this.#role.acquire(signal);
    const name = deploymentName(deployable.name);
    try {
      await createFunction(
        {
          FunctionName: name,
          Runtime: runtime,
          Handler: LAMBDA_HANDLER,
          Role: role,
          Code: { ZipFile: zip },
          MemorySize: memoryMB,
          Timeout: timeoutSeconds,
          Architectures: [this.#options.architecture],
          Environment: { Variables: { ...deployable.env } },
          Description: `falco deployment of "${deployable.name}"`,
          Tags: deploymentTags(deployable),
        },
        call,
      );
      if (deployable.maxInstances !== undefined) await limitConcurrency(name, deployable.maxInstances, call);
      await waitUntilActive(name, call);
    } catch (error) {
      await this.#undeploy(name);
      throw error;
    }
    this.#deployed.add(name);
    return lambdaDeployment(name, deployable);
  }

  async fetchDeployment(name: string, options: CallOptions = {}): Promise<Deployment | undefined> {
    this.#checkOpen();
    try {
      const { Configuration, Tags } = await this.#client.send(new GetFunctionCommand({ FunctionName: name }), sendOptions(options.signal));
      return Configuration ? deploymentFromLambda(name, Configuration, Tags) : undefined;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw lambdaError(error, `looking up function "${name}"`, this.#secrets);
    }
  }

  async invoke<O = unknown>(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<InvokeResult<O>> {
    this.#checkOpen();
    return invokeFunction<O>(deployment, input, options, {
      client: this.#invoker,
      logTail: this.#options.logTail,
      secrets: this.#secrets,
    });
  }

  async remove(deployment: Deployment, options: CallOptions = {}): Promise<void> {
    this.#checkOpen();
    await deleteFunction(this.#client, deployment.name, options.signal, this.#secrets);
    if (this.#deployed.delete(deployment.name)) await this.#role.release(options.signal);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.destroy();
    this.#invoker.destroy();
    this.#iam?.destroy();
  }

  /** After a failed deploy: delete what may have been created, whatever the caller's signal says. */
  async #undeploy(name: string): Promise<void> {
    const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
    await deleteFunction(this.#client, name, signal, this.#secrets)
      .then(() => this.#role.release(signal))
      .catch((error: unknown) => {
        process.emitWarning(`falco: cleanup after a failed Lambda deploy of "${name}" failed: ${(error as Error).message}`);
      });
  }

  #checkOpen(): void {
    if (this.#closed) throw new ConfigError('this LambdaPlatform is closed: create a new one');
  }
}
