import { randomUUID } from 'node:crypto';
import type { Deployable } from '../../src/deployable.js';
import { AbortedError } from '../../src/errors.js';
import type { Executor } from '../../src/executor.js';
import type { Deployment, Platform } from '../../src/platform.js';
import { makeEvent, type EventInit, type FalcoEvent } from '../../stores/ports/event.js';
import type { EventConsumer } from '../../stores/ports/event-stream.js';
import type { JsonObject, TriggerSpec, WorkspaceStore } from '../../stores/ports/workspace.js';
import { MemoryWorkspaceStore } from '../../stores/memory/workspace-store.js';
import { ActionWorker } from '../triggers/action-worker.js';
import type { Registry } from '../triggers/registry.js';
import { TriggerService } from '../triggers/service.js';
import { Workspaces } from '../triggers/workspaces.js';
import { WORKFLOW_FAILED, WORKFLOW_SUCCEEDED } from './outcome.js';
import { withBuilders } from './registry.js';

/** How a DAG or state machine runs: where, on what backbone, for how long. */
export interface WorkflowRunOptions {
  /** Where the functions run (`await createPlatform('local')`); the run deploys them and removes them after. */
  readonly platform: Platform;
  /**
   * The backbone: workspaces, event and command streams, timers. A Redis store makes the run
   * durable and visible to other processes. @default a new in-memory store, closed after the run
   */
  readonly store?: WorkspaceStore;
  /** Aborting stops the run (in-flight invocations are aborted) and rejects with an `AbortedError`. */
  readonly signal?: AbortSignal;
  /** The run's workspace name. @default `<name>-<8 hex digits>` */
  readonly runId?: string;
  /** Where the triggers' conditions and actions come from; the builders' are added. @default createRegistry() */
  readonly registry?: Registry;
  /** How the action worker pushes invocations (retries, congestion control). @default new ConcurrentExecutor() */
  readonly executor?: Executor;
  /** Leave the workspace (its triggers, contexts and streams) in the store for inspection. @default false */
  readonly keepWorkspace?: boolean;
}

/** A front-end's compiled form, for one workspace. */
export interface CompiledWorkflow {
  readonly triggers: readonly TriggerSpec[];
  /** Deployables to deploy before the run, by the deployment name the triggers use. */
  readonly deployables: ReadonlyMap<string, Deployable>;
  /** The event that starts the run. */
  readonly start: EventInit<unknown>;
  readonly global: JsonObject;
}

/**
 * Runs compiled triggers to their end: deploys the functions, creates the workspace and adds the
 * triggers, runs a trigger service and an action worker on it, publishes the start event, and
 * waits for `falco.workflow.succeeded|failed`, which it returns. Everything it started is
 * stopped, and the deployments removed, also when the run fails or is aborted.
 */
export async function runWorkflow(name: string, compile: (workspace: string) => CompiledWorkflow, options: WorkflowRunOptions): Promise<FalcoEvent> {
  const { platform, signal } = options;
  const workspace = options.runId ?? `${name}-${randomUUID().slice(0, 8)}`;
  const compiled = compile(workspace);
  const store = options.store ?? new MemoryWorkspaceStore();
  const registry = withBuilders(options.registry);
  const deployments: Record<string, Deployment> = {};
  let watcher: EventConsumer | undefined;
  let service: TriggerService | undefined;
  let worker: ActionWorker | undefined;
  try {
    throwIfAborted(signal);
    // Every deploy is let finish, so that what did deploy is known and removed when another failed.
    const deployed = await Promise.allSettled([...compiled.deployables].map(async ([key, deployable]) => (deployments[key] = await platform.deploy(deployable, signal ? { signal } : {}))));
    for (const outcome of deployed) if (outcome.status === 'rejected') throw outcome.reason;
    const workspaces = new Workspaces(store, { registry });
    await workspaces.create(workspace, { global: compiled.global });
    await workspaces.addTriggers(workspace, compiled.triggers);
    watcher = await store.events(workspace).consumer('falco-run', 'runner', { start: '0' });
    const loop = signal ? { signal } : {};
    service = await TriggerService.start({ store, workspace, registry, ...loop });
    worker = await ActionWorker.start({ store, workspace, platform, deployments, ...(options.executor ? { executor: options.executor } : {}), ...loop });
    await store.events(workspace).publish([makeEvent(compiled.start)]);
    return await endOf(watcher, [service.done, worker.done], signal);
  } finally {
    await Promise.allSettled([service?.stop(), worker?.stop(), watcher?.close()]);
    await Promise.allSettled(Object.values(deployments).map((deployment) => platform.remove(deployment)));
    if (!options.keepWorkspace) await store.deleteWorkspace(workspace).catch(() => {});
    if (!options.store) await store.close();
  }
}

/** Reads the workspace's events (acknowledging them) until the workflow's end; a service or worker that fails for good fails the run. */
async function endOf(watcher: EventConsumer, loops: readonly Promise<void>[], signal: AbortSignal | undefined): Promise<FalcoEvent> {
  let failure: unknown;
  const failed = new AbortController();
  for (const loop of loops) {
    loop.catch((error: unknown) => {
      failure ??= error;
      failed.abort();
    });
  }
  const stop = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  while (true) {
    const deliveries = await watcher.read({ max: 1000, blockMs: 200, signal: stop });
    if (failure !== undefined) throw failure;
    throwIfAborted(signal);
    await watcher.ack(deliveries.map((delivery) => delivery.entryId));
    const end = deliveries.find(({ event }) => event.type === WORKFLOW_SUCCEEDED || event.type === WORKFLOW_FAILED);
    if (end) return end.event;
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('the workflow run was aborted', { cause: signal.reason });
}
