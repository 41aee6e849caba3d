import { Agent } from 'undici';
import type { CongestionOptions } from '../../src/congestion/index.js';
import type { Deployable } from '../../src/deployable.js';
import { DeploymentError, errorFromHttpStatus, FatalError, isConnectionError, toFalcoError, TransientError, type FalcoError } from '../../src/errors.js';
import type { CallOptions, Deployment, InvokeOptions, InvokeResult, Platform } from '../../src/platform.js';
import { redact } from '../../src/secrets.js';
import { deploymentName } from '../shared/names.js';
import { connect, type Connection } from './connection.js';
import { apiError, failureOf, isNotFound } from './errors.js';
import { deploymentOf, functionSpec, type CloudFunction, type GcfDeployment } from './function-spec.js';
import { IdentityTokens } from './id-tokens.js';
import { callFunction } from './invoke.js';
import { abortable, awaitOperation, withDeadline, type PolledOperation } from './operations.js';
import { parseGcfOptions, type GcfOptions, type ResolvedGcfOptions } from './options.js';
import { packageFunction } from './package.js';
import { deleteFunction } from './remove.js';
import { gcfRuntime } from './runtimes.js';
import { uploadSource } from './upload.js';

interface Session {
  readonly connection: Connection;
  readonly tokens: IdentityTokens;
}

/**
 * Google Cloud Functions (2nd gen). Deploys through the v2 API (upload, create, wait for the
 * operation), invokes each function over HTTPS with an identity token, and deletes it again.
 */
export class GcfPlatform implements Platform {
  readonly name = 'gcf';
  /** AIMD on the functions' HTTP 429s, never past the agent's connections to a function. */
  readonly defaultCongestion: CongestionOptions;
  readonly #options: ResolvedGcfOptions;
  readonly #agent: Agent;
  readonly #uris = new Map<string, string>();
  /** Deletions of functions whose deployment failed; `close` waits for them. */
  readonly #cleanups = new Set<Promise<void>>();
  #session: Promise<Session> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: GcfOptions = {}) {
    this.#options = parseGcfOptions(options);
    this.#agent = new Agent({ connections: this.#options.maxSockets });
    this.defaultCongestion = { kind: 'aimd', max: this.#options.maxSockets };
  }

  async deploy(deployable: Deployable, { signal }: CallOptions = {}): Promise<GcfDeployment> {
    const runtime = gcfRuntime(deployable.runtime);
    const spec = functionSpec(deployable, runtime);
    const { connection } = await this.#connect();
    const name = deploymentName(deployable.name);
    const zip = await packageFunction(deployable, runtime);
    if (signal?.aborted) throw toFalcoError(signal.reason, `deploying "${name}"`);
    const storageSource = await uploadSource(connection, this.#agent, zip, signal);
    const fn: CloudFunction = {
      ...spec,
      name: `${connection.parent}/functions/${name}`,
      buildConfig: { ...spec.buildConfig, source: { storageSource } },
    };
    let operation: PolledOperation;
    try {
      [operation] = await abortable(connection.client.createFunction({ parent: connection.parent, functionId: name, function: fn }), signal);
    } catch (error) {
      // Cut off in flight, the function may exist all the same.
      if (signal?.aborted || isConnectionError(error)) this.#cleanUpLater(connection, name, undefined);
      throw failureOf(error, signal, (cause) => apiError(cause, `creating function "${name}"`, connection.secrets, DeploymentError));
    }
    try {
      const created = await withDeadline(this.#options.operationTimeoutMs, `deploying function "${name}"`, signal, (deadline) =>
        awaitOperation(operation, deadline),
      );
      const deployment = { ...deploymentOf(created as CloudFunction), runtime: deployable.runtime };
      if (!deployment.uri) throw new DeploymentError(`gcf: function "${name}" was deployed but has no URL`);
      this.#uris.set(name, deployment.uri);
      return deployment;
    } catch (error) {
      this.#cleanUpLater(connection, name, operation);
      throw failureOf(error, signal, (cause) => apiError(cause, `deploying function "${name}"`, connection.secrets, DeploymentError));
    }
  }

  async fetchDeployment(name: string, { signal }: CallOptions = {}): Promise<GcfDeployment | undefined> {
    const { connection } = await this.#connect();
    try {
      const [fn] = await abortable(connection.client.getFunction({ name: `${connection.parent}/functions/${name}` }), signal);
      const deployment = deploymentOf(fn);
      if (deployment.uri) this.#uris.set(name, deployment.uri);
      return deployment;
    } catch (error) {
      if (!signal?.aborted && isNotFound(error)) return undefined;
      throw failureOf(error, signal, (cause) => apiError(cause, `reading function "${name}"`, connection.secrets));
    }
  }

  async invoke<O = unknown>(deployment: Deployment, input: unknown, { signal }: InvokeOptions): Promise<InvokeResult<O>> {
    const { connection, tokens } = await this.#connect();
    const uri = await this.#uriOf(deployment, signal);
    const secrets = (): string[] => [...connection.secrets, ...tokens.secrets()];
    let authorization: string;
    try {
      authorization = await abortable(tokens.authorization(uri), signal);
    } catch (error) {
      throw failureOf(error, signal, (cause) => tokenError(cause, deployment.name, secrets()));
    }
    return callFunction<O>({ dispatcher: this.#agent, name: deployment.name, uri, authorization, input, signal, secrets });
  }

  async remove(deployment: Deployment, { signal }: CallOptions = {}): Promise<void> {
    const { connection, tokens } = await this.#connect();
    await withDeadline(this.#options.operationTimeoutMs, `removing function "${deployment.name}"`, signal, (deadline) =>
      deleteFunction(connection, deployment.name, deadline),
    );
    const uri = this.#uris.get(deployment.name);
    if (uri) tokens.forget(uri);
    this.#uris.delete(deployment.name);
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await Promise.allSettled([...this.#cleanups]);
    await this.#agent.close();
    const session = await this.#session?.catch(() => undefined);
    await session?.connection.client.close();
  }

  #connect(): Promise<Session> {
    if (this.#closing) return Promise.reject(new FatalError('gcf: the platform is closed'));
    this.#session ??= connect(this.#options).then((connection) => ({ connection, tokens: new IdentityTokens(connection.auth) }));
    return this.#session;
  }

  async #uriOf(deployment: Deployment, signal: AbortSignal | undefined): Promise<string> {
    const known = this.#uris.get(deployment.name) ?? (deployment as Partial<GcfDeployment>).uri;
    if (known) return known;
    const found = await this.fetchDeployment(deployment.name, signal ? { signal } : {});
    if (!found) throw new FatalError(`gcf: function "${deployment.name}" does not exist: deploy it first`);
    if (!found.uri) throw new FatalError(`gcf: function "${deployment.name}" has no URL: it is not serving`);
    return found.uri;
  }

  /**
   * Removes a function whose deployment failed or was aborted, in the background so the failure is
   * reported at once; a create still running is let finish first, since a function being deployed
   * cannot be deleted.
   */
  #cleanUpLater(connection: Connection, name: string, operation: PolledOperation | undefined): void {
    const task = withDeadline(this.#options.operationTimeoutMs, `removing function "${name}"`, undefined, async (deadline) => {
      if (operation) await awaitOperation(operation, deadline).catch(() => undefined);
      await deleteFunction(connection, name, deadline);
    })
      .catch((error: unknown) => {
        const message = redact(error instanceof Error ? error.message : String(error), connection.secrets);
        process.emitWarning(`falco: gcf could not remove function "${name}" after its deployment failed (cleanupGcf removes leftovers): ${message}`);
      })
      .finally(() => this.#cleanups.delete(task));
    this.#cleanups.add(task);
  }
}

/** A failure to get an identity token: the token endpoint's status, else a connection failure, else fatal. */
function tokenError(error: unknown, name: string, secrets: readonly string[]): FalcoError {
  const message = `gcf: getting an identity token to call function "${name}" failed: ${redact(error instanceof Error ? error.message : String(error), secrets)}`;
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number') return errorFromHttpStatus(status, message, { cause: error });
  return isConnectionError(error) ? new TransientError(message, { cause: error }) : new FatalError(message, { cause: error });
}
