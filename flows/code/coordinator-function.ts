import { fileURLToPath } from 'node:url';
import { deployable, type Deployable } from '../../src/deployable.js';
import { ConfigError } from '../../src/errors.js';
import type { NamedRef } from '../../stores/ports/workspace.js';

/** The name an `invoke` action gives the coordinator function; `falco triggers serve` knows it. */
export const COORDINATOR_DEPLOYMENT = 'falco:coordinator';

/** The variable that tells the coordinator function which store (and log) its runs live in. */
export const COORDINATOR_STORE_ENV = 'FALCO_COORDINATOR_STORE';

/** The directory holding the coordinator function's code, used in place: its imports reach this copy of falco. */
const CODE_DIR = fileURLToPath(new URL('./coordinator/', import.meta.url));

/**
 * The coordinator of workflows as code as a function (the Triggerflow model): each wake invokes it
 * once through a platform; it replays the run from its log, sends what is new, arms the next wake
 * and returns, so nothing runs or is billed while the run waits. Its code is this installed falco,
 * so it runs where falco and the workflow's module are on disk (the local platform, or a
 * platform whose functions share this machine's files). The store URL travels in the
 * deployment's environment, never in triggers or events; `env` adds variables the workflow's module reads.
 */
export function coordinatorDeployable(store: string | undefined, env: Readonly<Record<string, string>> = {}): Deployable<{ run: string }, CoordinatorReply> {
  checkCoordinatorStore(store);
  return deployable({
    runtime: 'nodejs:20',
    code: { dir: CODE_DIR },
    entryFile: 'main.js',
    name: 'falco-coordinator',
    memoryMB: 512,
    timeoutMs: 15 * 60_000,
    env: { ...env, ...(store === undefined ? {} : { [COORDINATOR_STORE_ENV]: store }) },
  });
}

/** Refuses a store the coordinator function cannot reach from a process of its own. */
export function checkCoordinatorStore(store: string | undefined): void {
  if (store === 'memory:') {
    throw new ConfigError('the coordinator function cannot reach a memory: store (it lives in one process): use a file: or redis:// store');
  }
}

/** What the coordinator function answers: the run suspended (it waits for its wake), or how it ended. */
export type CoordinatorReply = { readonly run: string; readonly status: 'suspended' | 'succeeded' | 'failed' | 'cancelled' };

/** The wake of a run whose coordinator is a function: invoke it again, with the run's id. */
export function functionWake(run: string): NamedRef {
  return { name: 'invoke', options: { deployment: COORDINATOR_DEPLOYMENT, input: { run } } };
}
