import { randomUUID } from 'node:crypto';
import type { CongestionOptions } from '../../src/congestion/index.js';
import type { Deployable } from '../../src/deployable.js';
import { AbortedError, FatalError } from '../../src/errors.js';
import type { CallOptions, Deployment, InvokeOptions, InvokeResult, Platform, Submission } from '../../src/platform.js';
import { parseRuntimeId } from '../../src/runtime.js';
import { deploymentName } from '../shared/names.js';
import { argsText } from './args.js';
import { defaultInstanceCap } from './capacity.js';
import { type LocalCode, materialise, removeCode } from './code.js';
import type { InstanceFactory, InstanceSpec } from './instance.js';
import { NodeInstance } from './node-instance.js';
import { NodeProcessInstance } from './node-process-instance.js';
import { type LocalPlatformOptions, parseLocalOptions, type ResolvedLocalOptions } from './options.js';
import { Pool } from './pool.js';
import { PythonInstance } from './python-instance.js';
import { resolvePython } from './python-path.js';
import { Activations } from '../shared/activations.js';
import { checkSyntax } from './syntax.js';

interface Deployed {
  readonly deployment: Deployment;
  readonly pool: Pool;
  readonly code: LocalCode;
  /** Undefined when the deployable has none, so calls skip the merge. */
  readonly params: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The embedded platform: real FaaS semantics on this machine. Each deployment gets a pool of
 * instances (worker threads for Node.js, a python process each for Python) with the function's
 * memory limit and timeout, cold starts, reuse while warm, and throttling past a cap.
 */
export class LocalPlatform implements Platform {
  readonly name = 'local';
  /** Executors send no more calls at once than a deployment has instances: past the cap calls wait. */
  readonly defaultCongestion: CongestionOptions;
  readonly #options: ResolvedLocalOptions;
  readonly #deployed = new Map<string, Deployed>();
  readonly #submissions = new Activations();
  /** The Python interpreter's own path, asked for once (see python-path.ts). */
  #python: Promise<string> | undefined;
  #closed = false;

  constructor(options?: LocalPlatformOptions) {
    this.#options = parseLocalOptions(options);
    this.defaultCongestion = { kind: 'fixed', concurrency: this.#options.maxInstances ?? defaultInstanceCap() };
  }

  async deploy(deployable: Deployable, options: CallOptions = {}): Promise<Deployment> {
    if (this.#closed) throw new FatalError('the local platform was closed: create a new LocalPlatform to deploy again');
    const { language } = parseRuntimeId(deployable.runtime);
    const { signal } = options;
    throwIfAborted(signal, 'deploy');
    const python = language === 'python' ? await this.#pythonPath() : this.#options.python;
    throwIfAborted(signal, 'deploy');
    const code = await materialise(deployable);
    try {
      await checkSyntax(language, code, deployable.entryPoint, python, signal);
      throwIfAborted(signal, 'deploy');
    } catch (error) {
      await removeCode(code);
      throw signal?.aborted ? aborted(signal, 'deploy') : error;
    }
    const name = deploymentName(deployable.name);
    const deployment: Deployment = {
      name,
      platform: this.name,
      runtime: deployable.runtime,
      memoryMB: deployable.memoryMB,
      timeoutMs: deployable.timeoutMs,
      idempotent: deployable.idempotent,
    };
    const spec: InstanceSpec = {
      name,
      dir: code.dir,
      entry: code.entry,
      entryPoint: deployable.entryPoint,
      memoryMB: deployable.memoryMB,
      env: deployable.env,
      logs: this.#options.logs,
      python,
    };
    const Kind = language === 'python' ? PythonInstance : this.#options.isolation === 'process' ? NodeProcessInstance : NodeInstance;
    const factory: InstanceFactory = (handlers) => new Kind(spec, handlers);
    const pool = new Pool({
      name,
      maxInstances: deployable.maxInstances ?? this.#options.maxInstances ?? defaultInstanceCap(deployable.memoryMB),
      maxWaitMs: this.#options.maxWaitMs,
      timeoutMs: deployable.timeoutMs,
      memoryMB: deployable.memoryMB,
      idleTimeoutMs: this.#options.idleTimeoutMs,
    }, factory);
    const params = Object.keys(deployable.params).length > 0 ? deployable.params : undefined;
    this.#deployed.set(name, { deployment, pool, code, params });
    return deployment;
  }

  async fetchDeployment(name: string): Promise<Deployment | undefined> {
    return this.#deployed.get(name)?.deployment;
  }

  invoke<O = unknown>(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<InvokeResult<O>> {
    try {
      return this.#call(deployment, input, options.signal, randomUUID()) as Promise<InvokeResult<O>>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async submit(deployment: Deployment, input: unknown, options: InvokeOptions): Promise<Submission> {
    const activationId = randomUUID();
    this.#submissions.add(deployment.name, activationId, this.#call(deployment, input, options.signal, activationId));
    return { activationId };
  }

  async poll<O = unknown>(deployment: Deployment, submission: Submission): Promise<InvokeResult<O> | undefined> {
    return this.#submissions.take(deployment.name, submission.activationId) as InvokeResult<O> | undefined;
  }

  async remove(deployment: Deployment): Promise<void> {
    const deployed = this.#deployed.get(deployment.name);
    if (deployed === undefined) return;
    this.#deployed.delete(deployment.name);
    await deployed.pool.remove();
    await removeCode(deployed.code);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#deployed.values()].map(({ deployment }) => this.remove(deployment)));
    this.#submissions.clear();
  }

  #pythonPath(): Promise<string> {
    this.#python ??= resolvePython(this.#options.python).catch((error: unknown) => {
      this.#python = undefined; // asked again at the next deploy: python may be installed by then
      throw error;
    });
    return this.#python;
  }

  /** Starts a call; throws (synchronously) when it cannot start. */
  #call(deployment: Deployment, input: unknown, signal: AbortSignal | undefined, activationId: string): Promise<InvokeResult> {
    const deployed = this.#deployed.get(deployment.name);
    if (deployed === undefined) {
      throw new FatalError(`no deployment named "${deployment.name}" on the local platform: it was removed, or never deployed here`);
    }
    throwIfAborted(signal, `the call to function "${deployment.name}"`);
    return deployed.pool.call(argsText(deployment.name, deployed.params, input), signal, activationId);
  }
}

function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw aborted(signal, what);
}

function aborted(signal: AbortSignal, what: string): AbortedError {
  return new AbortedError(`${what} was aborted`, { cause: signal.reason });
}
