import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { Deployable } from '../../src/deployable.js';
import { ConfigError } from '../../src/errors.js';
import type { Deployment } from '../../src/platform.js';
import { falcoRuntime } from './runtimes.js';

/** Tags keep what Lambda cannot say about a function: falco's runtime id and whether it is idempotent. */
const RUNTIME_TAG = 'falco:runtime';
const IDEMPOTENT_TAG = 'falco:idempotent';

export function deploymentTags(deployable: Deployable): Record<string, string> {
  return { [RUNTIME_TAG]: deployable.runtime, [IDEMPOTENT_TAG]: String(deployable.idempotent) };
}

/** Lambda's memory and time limits; it counts the timeout in whole seconds. */
export function lambdaLimits(deployable: Deployable): { memoryMB: number; timeoutSeconds: number } {
  const { memoryMB, timeoutMs } = deployable;
  if (memoryMB < 128) throw new ConfigError(`memoryMB ${memoryMB} is below AWS Lambda's minimum of 128: use at least 128`);
  const timeoutSeconds = Math.ceil(timeoutMs / 1000);
  if (timeoutSeconds > 900) {
    throw new ConfigError(`timeoutMs ${timeoutMs} is above AWS Lambda's maximum of 900000 (15 minutes): use at most 900000`);
  }
  return { memoryMB, timeoutSeconds };
}

export function lambdaDeployment(name: string, deployable: Deployable): Deployment {
  const { memoryMB, timeoutSeconds } = lambdaLimits(deployable);
  return { name, platform: 'lambda', runtime: deployable.runtime, memoryMB, timeoutMs: timeoutSeconds * 1000, idempotent: deployable.idempotent };
}

/** A deployment read back from Lambda: falco's tags where present, Lambda's own fields otherwise. */
export function deploymentFromLambda(
  name: string,
  configuration: FunctionConfiguration,
  tags: Readonly<Record<string, string>> = {},
): Deployment {
  const lambdaRuntime = configuration.Runtime ?? 'unknown';
  return {
    name,
    platform: 'lambda',
    runtime: tags[RUNTIME_TAG] ?? falcoRuntime(lambdaRuntime) ?? lambdaRuntime,
    memoryMB: configuration.MemorySize ?? 128,
    timeoutMs: (configuration.Timeout ?? 3) * 1000,
    idempotent: tags[IDEMPOTENT_TAG] !== 'false',
  };
}
