import type { protos } from '@google-cloud/functions';
import type { Deployable } from '../../src/deployable.js';
import { ConfigError } from '../../src/errors.js';
import type { Deployment } from '../../src/platform.js';
import { falcoRuntimeId, type GcfRuntime } from './runtimes.js';

export type CloudFunction = protos.google.cloud.functions.v2.IFunction;

/** A function deployed on Cloud Functions, with the URL it is called at. */
export interface GcfDeployment extends Deployment {
  readonly platform: 'gcf';
  /** The function's HTTPS endpoint (`serviceConfig.uri`); empty while it is not serving. */
  readonly uri: string;
}

const MIN_MEMORY_MB = 128;
const MAX_MEMORY_MB = 32_768;
/** The longest an HTTP function may run on Cloud Functions (2nd gen). */
const MAX_TIMEOUT_S = 3_600;
const IDEMPOTENT_LABEL = 'falco-idempotent';

/**
 * The function to create: runtime, entry point, memory, timeout and instance cap from the
 * deployable; limits Cloud Functions would refuse are ConfigErrors here. The name and source are
 * added once the function has a name and its code is uploaded.
 */
export function functionSpec(deployable: Deployable, runtime: GcfRuntime): CloudFunction {
  if (deployable.memoryMB < MIN_MEMORY_MB || deployable.memoryMB > MAX_MEMORY_MB) {
    throw new ConfigError(`gcf: memoryMB must be between ${MIN_MEMORY_MB} and ${MAX_MEMORY_MB} (got ${deployable.memoryMB})`);
  }
  const timeoutSeconds = Math.ceil(deployable.timeoutMs / 1000);
  if (timeoutSeconds > MAX_TIMEOUT_S) {
    throw new ConfigError(`gcf: timeoutMs must be at most ${MAX_TIMEOUT_S * 1000} for an HTTP function (got ${deployable.timeoutMs})`);
  }
  return {
    description: `deployed by falco: ${deployable.name}`,
    environment: 'GEN_2',
    labels: { 'deployed-by': 'falco', [IDEMPOTENT_LABEL]: String(deployable.idempotent) },
    buildConfig: { runtime: runtime.runtime, entryPoint: runtime.entryPoint },
    serviceConfig: {
      availableMemory: `${deployable.memoryMB}Mi`,
      timeoutSeconds,
      environmentVariables: { ...deployable.env },
      ...(deployable.maxInstances === undefined ? {} : { maxInstanceCount: deployable.maxInstances }),
      allTrafficOnLatestRevision: true,
    },
  };
}

/** The deployment a function describes. */
export function deploymentOf(fn: CloudFunction): GcfDeployment {
  const service = fn.serviceConfig ?? {};
  return {
    name: (fn.name ?? '').split('/').pop() ?? '',
    platform: 'gcf',
    runtime: falcoRuntimeId(fn.buildConfig?.runtime ?? ''),
    memoryMB: memoryMB(service.availableMemory ?? '256M'),
    timeoutMs: (service.timeoutSeconds ?? 60) * 1000,
    idempotent: fn.labels?.[IDEMPOTENT_LABEL] !== 'false',
    uri: service.uri ?? fn.url ?? '',
  };
}

const MEMORY_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** A Kubernetes-style quantity (`256Mi`, `1G`, bytes) in MiB, as falco counts memory. */
function memoryMB(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)([kMG]i?|Ki)?$/.exec(quantity.trim());
  const unit = MEMORY_UNITS[match?.[2] ?? ''];
  if (!match || unit === undefined) return 0;
  return Math.round((Number(match[1]) * unit) / 1024 ** 2);
}
