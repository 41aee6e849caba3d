import type { Deployable } from '../../src/deployable.js';
import { inPlaceFunction } from '../in-place-function.js';
import { ConfigError } from '../../src/errors.js';
import type { NamedRef } from '../../stores/ports/workspace.js';

/** The name an `invoke` action gives the coordinator function; `falco triggers serve` knows it. */
export const COORDINATOR_DEPLOYMENT = 'falco:coordinator';

/** The variable that tells the coordinator function which store (and log) its runs live in. */
export const COORDINATOR_STORE_ENV = 'FALCO_COORDINATOR_STORE';

/** The variable that tells a packaged coordinator function (see `packageCoordinator`) which file of its zip defines the workflows. */
export const COORDINATOR_MODULE_ENV = 'FALCO_COORDINATOR_MODULE';

/**
 * The coordinator of workflows as code as a function (the Triggerflow model): each wake invokes it
 * once through a platform; it replays the run from its log, sends what is new, arms the next wake
 * and returns, so nothing runs or is billed while the run waits. Its code is this installed falco,
 * so it runs where falco and the workflow's module are on disk (the local platform, or a
 * platform whose functions share this machine's files; `packageCoordinator` makes one for a cloud). The store URL travels in the
 * deployment's environment, never in triggers or events; `env` adds variables the workflow's module reads.
 * The store must be Redis (see `coordinatorStoreProblem`).
 */
export function coordinatorDeployable(store: string, env: Readonly<Record<string, string>> = {}): Deployable<{ run: string }, CoordinatorReply> {
  checkCoordinatorStore(store);
  return inPlaceFunction(new URL('./coordinator/', import.meta.url), 'falco-coordinator', { env: { ...env, [COORDINATOR_STORE_ENV]: store } });
}

/**
 * Why the coordinator function cannot use this store, or undefined when it can. It opens the store
 * from the function while \`falco triggers serve\` has it open: a memory store lives in one process,
 * and a file store is held by one process at a time (the serving one), so only Redis will do.
 */
export function coordinatorStoreProblem(store: string | undefined): string | undefined {
  if (store !== undefined && /^rediss?:\/\//.test(store)) return undefined;
  const what = store === 'memory:' ? 'a memory: store (it lives in one process)' : `the file store ${store ?? 'in .falco/ (the default)'}: one process at a time holds it, and the process serving the run does`;
  return `the coordinator function cannot share ${what}: use a redis:// store`;
}

/** Refuses, as a \`ConfigError\`, a store the coordinator function cannot use (see \`coordinatorStoreProblem\`). */
export function checkCoordinatorStore(store: string | undefined): asserts store is string {
  const problem = coordinatorStoreProblem(store);
  if (problem !== undefined) throw new ConfigError(problem);
}

/** What the coordinator function answers: the run suspended (it waits for its wake), or how it ended. */
export type CoordinatorReply = { readonly run: string; readonly status: 'suspended' | 'succeeded' | 'failed' | 'cancelled' };

/** The wake of a run whose coordinator is a function: invoke it again, with the run's id. */
export function functionWake(run: string): NamedRef {
  return { name: 'invoke', options: { deployment: COORDINATOR_DEPLOYMENT, input: { run } } };
}
