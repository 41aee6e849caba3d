import type { Deployable } from '../../src/deployable.js';
import type { DeployableSpec } from '../triggers/commands.js';
import { WorkflowCodeError } from './errors.js';

/** A deployable as the data an invoke command carries (code as source or a path, never a zip). */
export function toSpec(deployable: Deployable, slot: string): DeployableSpec {
  const { code } = deployable;
  if ('zip' in code) throw new WorkflowCodeError(`${slot}: "${deployable.name}" has zip code, which an invoke command cannot carry; give it as { source }, { file } or { dir }`);
  return {
    runtime: deployable.runtime,
    code,
    entryPoint: deployable.entryPoint,
    ...(deployable.entryFile === undefined ? {} : { entryFile: deployable.entryFile }),
    memoryMB: deployable.memoryMB,
    timeoutMs: deployable.timeoutMs,
    name: deployable.name,
    params: deployable.params as DeployableSpec['params'],
    env: { ...deployable.env },
    ...(deployable.maxInstances === undefined ? {} : { maxInstances: deployable.maxInstances }),
    idempotent: deployable.idempotent,
  };
}
