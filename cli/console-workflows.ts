import { isWorkflow, type AnyWorkflow } from '../flows/code/workflow.js';
import type { Deployable } from '../src/deployable.js';
import { ConfigError } from '../src/errors.js';
import { importModule } from './import-module.js';

/** What `falco console --workflows MODULE` serves: the module's workflows as code, and the deployables its state machines' Tasks name. */
export interface ConsoleWorkflows {
  readonly workflows: readonly AnyWorkflow[];
  readonly resources: Readonly<Record<string, Deployable>>;
}

/** Loads the module: every export made with `defineWorkflow`, and its export `resources` (name → deployable), if any. */
export async function loadConsoleWorkflows(path: string | undefined): Promise<ConsoleWorkflows> {
  if (path === undefined) return { workflows: [], resources: {} };
  const module = await importModule(path, 'the workflows module');
  const workflows = Object.values(module).filter(isWorkflow);
  const resources = module.resources ?? {};
  const isDeployable = (value: unknown) => typeof value === 'object' && value !== null && typeof (value as { runtime?: unknown }).runtime === 'string';
  if (typeof resources !== 'object' || resources === null || !Object.values(resources).every(isDeployable)) {
    throw new ConfigError(`the workflows module "${path}" exports "resources" that is not an object of deployables: export const resources = { square: deployable({ ... }) }`);
  }
  if (workflows.length === 0 && Object.keys(resources).length === 0) {
    throw new ConfigError(`the workflows module "${path}" exports no workflow (made with defineWorkflow) and no "resources" for state machines: export one or the other`);
  }
  return { workflows, resources: resources as Record<string, Deployable> };
}
