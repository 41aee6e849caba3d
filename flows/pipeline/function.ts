import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Deployable } from '../../src/deployable.js';
import { inPlaceFunction } from '../in-place-function.js';
import { ConfigError } from '../../src/errors.js';
import { fileUrlDir } from '../../stores/open.js';
import type { SigningKeys } from './forwarding-types.js';
import { createSigner } from './signing.js';
import type { SignedRequest } from './forwarding.js';
import type { RequestState } from './ledger.js';

/** The variables the pipeline's function reads: set by `pipelineDeployable`, never carried in a request or an event. */
export const PIPELINE_FUNCTION_ENV = {
  module: 'FALCO_PIPELINE_MODULE',
  export: 'FALCO_PIPELINE_EXPORT',
  state: 'FALCO_PIPELINE_STATE',
  keys: 'FALCO_PIPELINE_KEYS',
  unsigned: 'FALCO_PIPELINE_UNSIGNED',
  platform: 'FALCO_PIPELINE_PLATFORM',
} as const;

export interface PipelineFunctionOptions {
  /** Where the requests' status lives, as a URL the function opens itself: `file:DIR` or `redis://host:port` (the state the driver submits with). */
  readonly state: string;
  /** The keys forwarded requests are signed and checked with; they reach the function only through its environment. */
  readonly keys?: SigningKeys;
  /** Take and forward unsigned requests: only where nothing else can write to the command stream. */
  readonly unsigned?: boolean;
  /**
   * The platform the function runs the pipeline's applied functions on, inside itself (created per
   * invocation, with no options: `local` nests its worker threads and processes in the function). @default 'local'
   */
  readonly platform?: string;
  /** More variables the function (and so the pipeline's module) sees. */
  readonly env?: Readonly<Record<string, string>>;
  /** The most one phase may take. @default 900000 (15 minutes) */
  readonly timeoutMs?: number;
  /** @default 512 */
  readonly memoryMB?: number;
}

/** What one invocation of the pipeline's function answers. */
export interface PipelineFunctionReply {
  readonly requestId: string;
  /** The phase this invocation was handed. */
  readonly phase: number;
  /** The request's state after it: `running` while phases are left. */
  readonly state: RequestState | undefined;
  /** The next phase's request, signed (none once the request ended, or while it is paused): the forwarding trigger invokes the function with it. */
  readonly next: readonly SignedRequest[];
  /** How the phase's applied calls went: their records' ids, ends and attempts (no inputs or outputs, which may carry headers). */
  readonly invocations: readonly { readonly id: string; readonly status: string; readonly attempts: number }[];
}

/**
 * The pipeline `exportName` of `module` as a function (Faasflow's model): each invocation verifies
 * the forwarded request it is handed, runs that one phase (its applied functions on the platform
 * `options.platform` names), records it in the request's status and answers the next request.
 * Serve it with `ActionWorker` (`deployments: { [name]: pipelineDeployable(...) }`) or `falco triggers
 * serve --pipeline`, and submit with `forwarding: { function: name, store, workspace, keys }`. The
 * state URL and the keys go only into the deployment's environment. Like the coordinator function,
 * its code is this installed falco, so it runs where falco and the module are on disk.
 */
export function pipelineDeployable(module: string, exportName: string, options: PipelineFunctionOptions): Deployable<SignedRequest, PipelineFunctionReply> {
  const path = resolve(module);
  if (!existsSync(path)) throw new ConfigError(`the pipeline's module "${module}" does not exist: give the path of the built module (.js) that exports the pipeline`);
  if (typeof exportName !== 'string' || exportName === '') throw new ConfigError('pipelineDeployable needs the name the module exports the pipeline under');
  if (!options.keys && options.unsigned !== true) {
    throw new ConfigError('the pipeline function checks and signs forwarded requests: give options.keys ({ keys: { <id>: <secret> }, signWith: <id> }), or unsigned: true where nothing else can write to the command stream');
  }
  if (options.keys) createSigner(options.keys);
  return inPlaceFunction(new URL('./function/', import.meta.url), 'falco-pipeline', {
    memoryMB: options.memoryMB,
    timeoutMs: options.timeoutMs,
    env: {
      ...options.env,
      [PIPELINE_FUNCTION_ENV.module]: path,
      [PIPELINE_FUNCTION_ENV.export]: exportName,
      [PIPELINE_FUNCTION_ENV.state]: absoluteState(options.state),
      [PIPELINE_FUNCTION_ENV.platform]: options.platform ?? 'local',
      ...(options.keys ? { [PIPELINE_FUNCTION_ENV.keys]: encodeKeys(options.keys) } : { [PIPELINE_FUNCTION_ENV.unsigned]: 'true' }),
    },
  });
}

/** A `file:` URL made absolute: the function may run in another directory. */
function absoluteState(url: string): string {
  if (typeof url !== 'string' || url === 'memory:' || !(url.startsWith('file:') || url.startsWith('redis://') || url.startsWith('rediss://'))) {
    throw new ConfigError(`the pipeline function opens its state itself: options.state must be a file:DIR or redis://host:port URL (the one the driver submits with), not ${JSON.stringify(String(url).split(':')[0] + ':')}`);
  }
  if (!url.startsWith('file:')) return url;
  const dir = fileUrlDir(url, '');
  if (dir === '') throw new ConfigError('options.state "file:" names no directory: give file:DIR');
  return `file:${isAbsolute(dir) ? dir : resolve(dir)}`;
}

/** The keys as the environment carries them: JSON, each secret's bytes in base64 (so text and bytes both survive). */
function encodeKeys(keys: SigningKeys): string {
  const secrets = Object.fromEntries(Object.entries(keys.keys).map(([id, secret]) => [id, Buffer.from(secret).toString('base64')]));
  return JSON.stringify({ ...keys, keys: secrets });
}

/** The keys `encodeKeys` wrote; a malformed value is a `ConfigError` that does not repeat it (it holds secrets). */
export function decodeKeys(text: string): SigningKeys {
  try {
    const parsed = JSON.parse(text) as { keys: Record<string, string>; signWith: string; maxAgeMs?: number };
    const keys = Object.fromEntries(Object.entries(parsed.keys).map(([id, secret]) => [id, Buffer.from(secret, 'base64')]));
    return { ...parsed, keys };
  } catch {
    throw new ConfigError(`${PIPELINE_FUNCTION_ENV.keys} is not the keys pipelineDeployable wrote: deploy the function with pipelineDeployable(module, exportName, { keys })`);
  }
}
