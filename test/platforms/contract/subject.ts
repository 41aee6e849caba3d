import { deployable, type Deployable, type DeployableOptions } from '../../../src/deployable.js';
import type { Deployment, InvokeOptions, Platform } from '../../../src/platform.js';

/** What the contract checks of each adapter; an adapter that cannot do one says why in `cannot`. */
export type ContractItem = 'functionError' | 'timeout' | 'throttled' | 'deploymentError' | 'droppedConnection' | 'submitPoll' | 'abort' | 'callAfterRemove' | 'cleanup';

/** An adapter ready to test: its platform and the means to provoke what the platform can produce. */
export interface Harness {
  readonly platform: Platform;
  /** The options `cleanupPlatform(subject.name, ...)` needs to reach the same place. */
  readonly cleanupOptions: Record<string, unknown>;
  /** The function and input of a call that outlasts its time limit. */
  readonly timeout?: { readonly deployable: Deployable; readonly input: object };
  /** Makes the next call to `deployment` throttled; `release` undoes it and waits for what it started. */
  throttleNext?(deployment: Deployment): Promise<{ release(): Promise<void> }>;
  /** Arms the next call to `deployment` to have its connection dropped. */
  dropNext?(deployment: Deployment): void;
  stop(): Promise<void>;
}

export interface ContractSubject {
  readonly name: 'local' | 'simulated' | 'openwhisk' | 'lambda' | 'gcf';
  /** Why the platform cannot do an item: each such item is reported as skipped with this reason. */
  readonly cannot: Partial<Record<ContractItem, string>>;
  /** The pacing an executor given no concurrency uses here. */
  readonly congestion: { readonly kind: 'aimd'; readonly max: number } | { readonly kind: 'fixed'; readonly concurrency: number };
  start(): Promise<Harness>;
}

/**
 * The one function the suite deploys where code runs: echoes its input, sleeps `sleepMs` first,
 * and throws `fail` when given.
 */
export const ECHO_SOURCE = `async function main(args) {
  if (args.sleepMs) await new Promise((resolve) => setTimeout(resolve, args.sleepMs));
  if (args.fail) throw new Error(args.fail);
  return args;
}`;

export function echoFunction(options: Partial<DeployableOptions> = {}): Deployable {
  return deployable({ runtime: 'nodejs:20', name: 'contract', code: { source: ECHO_SOURCE }, ...options });
}

/** Code no runtime can load. */
export const BROKEN = deployable({ runtime: 'nodejs:20', name: 'broken', code: { source: 'async function main( {' } });

export function call(invocationId: string, signal?: AbortSignal): InvokeOptions {
  return { invocationId, attempt: 1, ...(signal ? { signal } : {}) };
}
