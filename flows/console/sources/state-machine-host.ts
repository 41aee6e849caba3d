import type { Deployable } from '../../../src/deployable.js';
import { messageOf } from '../../../src/errors.js';
import type { Executor } from '../../../src/executor.js';
import type { Platform } from '../../../src/platform.js';
import type { FalcoEvent } from '../../../stores/ports/event.js';
import type { EventConsumer } from '../../../stores/ports/event-stream.js';
import type { Json, WorkspaceStore } from '../../../stores/ports/workspace.js';
import { WORKFLOW_FAILED, WORKFLOW_SUCCEEDED } from '../../builders/outcome.js';
import { withBuilders } from '../../builders/registry.js';
import { PollLoop } from '../../poll-loop.js';
import { ActionWorker } from '../../triggers/action-worker.js';
import { compareEntryIds } from '../../triggers/entry-id.js';
import { TriggerService } from '../../triggers/service.js';
import type { RecordStore } from './record-store.js';
import { applyEvent, type StateNames } from './state-machine-progress.js';
import { openMachineRecords, TERMINATE_REQUESTED, type MachineRun } from './state-machine-record.js';

export interface StateMachineHostOptions {
  /** The store the runs were started in (`falco console`'s). */
  readonly store: WorkspaceStore;
  /** Where Task states run. */
  readonly platform: Platform;
  /** The deployables a Task's `Resource` may name. */
  readonly resources?: Readonly<Record<string, Deployable>>;
  readonly executor?: Executor;
  /** The workspace the runs are recorded in. @default "falco-state-machines" */
  readonly workspace?: string;
  /** How often it looks for runs to host, in ms. @default 500 */
  readonly pollMs?: number;
  /** Called whenever a run's record changed. */
  readonly onChange?: () => void;
}

/** The consumer group that follows a run's events into its record. */
const FOLLOWER = 'falco-state-machine-record';

/** How a hosted run ended, as its record keeps it. */
type Ending = Pick<MachineRun, 'state' | 'output' | 'error' | 'endedAt'>;

/**
 * Hosts the state-machine runs recorded in a store: for each run still `running`, a trigger
 * service and an action worker on its workspace, and a follower (a consumer group of its events)
 * that keeps its record (each state's progress, then its end) and honours a terminate request.
 * Everything lives in the store, so a host stopped or killed mid-run is carried on by the next
 * one: run one host per store at a time.
 */
export class StateMachineHost {
  readonly #options: StateMachineHostOptions;
  readonly #records: RecordStore<MachineRun>;
  readonly #hosted = new Map<string, { readonly stop: AbortController; readonly done: Promise<void> }>();
  readonly #poll: PollLoop;

  private constructor(options: StateMachineHostOptions, records: RecordStore<MachineRun>) {
    this.#options = options;
    this.#records = records;
    this.#poll = new PollLoop(() => this.#look(), options.pollMs ?? 500);
  }

  /** Hosts the runs recorded now, and keeps looking for new ones. */
  static async start(options: StateMachineHostOptions): Promise<StateMachineHost> {
    const host = new StateMachineHost(options, await openMachineRecords(options.store, options.workspace));
    await host.#look();
    host.#poll.start();
    return host;
  }

  /** Looks for new runs now. */
  poke(): void {
    this.#poll.poke();
  }

  /** Stops hosting: the runs stay `running` in the store, and a host started later carries them on. */
  async stop(): Promise<void> {
    await this.#poll.stop();
    for (const { stop } of this.#hosted.values()) stop.abort();
    await Promise.all([...this.#hosted.values()].map(({ done }) => done));
  }

  async #look(): Promise<void> {
    for (const run of await this.#records.all()) {
      if (this.#hosted.has(run.id)) continue;
      if (run.state !== 'running') {
        // One workspace that cannot be removed now must not keep the others from being hosted: the next look tries again.
        if (!run.workspaceRemoved) await this.#removeWorkspace(run).catch((error: unknown) => process.emitWarning(`falco: removing the workspace of ended state machine "${run.id}": ${messageOf(error)}`));
        continue;
      }
      const stop = new AbortController();
      const done = this.#host(run, stop.signal)
        .catch((error: unknown) => process.emitWarning(`falco: hosting state machine "${run.id}": ${messageOf(error)}`))
        .finally(() => this.#hosted.delete(run.id));
      this.#hosted.set(run.id, { stop, done });
    }
  }

  /** Runs the machine's triggers and follows its events into the record until it ends, is terminated, or this host stops. */
  async #host(run: MachineRun, stop: AbortSignal): Promise<void> {
    const { store, platform, resources, executor } = this.#options;
    const ended = new AbortController();
    const signal = AbortSignal.any([stop, ended.signal]);
    const service = await TriggerService.start({ store, workspace: run.id, registry: withBuilders(), signal });
    const worker = await ActionWorker.start({ store, workspace: run.id, platform, signal, ...(resources ? { deployments: resources } : {}), ...(executor ? { executor } : {}) });
    const follower = await store.events(run.id).consumer(FOLLOWER, 'host', { start: '0' });
    let ending: Ending | undefined;
    // A loop that fails for good fails the run, as it would a run hosted by runWorkflow.
    const failed = (loop: string) => (error: unknown) => {
      ending ??= { state: 'failed', endedAt: Date.now(), error: { class: 'fatal', name: 'Error', message: `the run's ${loop} failed: ${messageOf(error)}` } };
      ended.abort();
    };
    service.done.catch(failed('trigger service'));
    worker.done.catch(failed('action worker'));
    try {
      while (!signal.aborted && ending === undefined) {
        ending = await this.#follow(run, follower, signal).catch((error: unknown) => {
          if (!signal.aborted) process.emitWarning(`falco: following state machine "${run.id}": ${messageOf(error)}`);
          return undefined;
        });
      }
    } finally {
      ended.abort();
      await Promise.allSettled([service.stop(), worker.stop()]);
      await follower.close();
    }
    if (ending === undefined) return;
    Object.assign(run, ending);
    await this.#records.put(run.id, run);
    this.#options.onChange?.();
    await this.#removeWorkspace(run);
  }

  /** Removes an ended run's workspace (its triggers and events), then says so in its record. */
  async #removeWorkspace(run: MachineRun): Promise<void> {
    await this.#options.store.deleteWorkspace(run.id);
    run.workspaceRemoved = true;
    await this.#records.put(run.id, run);
  }

  /** Applies one read of the run's events to its record (skipping what it already applied), and tells how the run ended, if it did. */
  async #follow(run: MachineRun, follower: EventConsumer, signal: AbortSignal): Promise<Ending | undefined> {
    const deliveries = await follower.read({ max: 500, blockMs: 200, signal });
    const names: StateNames = { nodeOf: run.nodeOf, waits: new Set(run.waits) };
    let ending: Ending | undefined;
    for (const { entryId, event } of deliveries) {
      if (run.followedThrough !== undefined && compareEntryIds(entryId, run.followedThrough) <= 0) continue;
      applyEvent(run.states, names, event);
      run.followedThrough = entryId;
      ending ??= endingOf(run.id, event);
    }
    if (deliveries.length === 0) return undefined;
    await this.#records.put(run.id, run);
    this.#options.onChange?.();
    await follower.ack(deliveries.map((delivery) => delivery.entryId));
    return ending;
  }
}

function endingOf(runId: string, event: FalcoEvent): Ending | undefined {
  const endedAt = event.time === undefined ? Date.now() : Date.parse(event.time);
  if (event.type === TERMINATE_REQUESTED) return { state: 'terminated', endedAt };
  if (event.subject !== runId) return undefined;
  const data = (event.data ?? {}) as { output?: Json; error?: unknown; cause?: unknown };
  if (event.type === WORKFLOW_SUCCEEDED) return { state: 'finished', endedAt, output: data.output ?? null };
  if (event.type === WORKFLOW_FAILED) return { state: 'failed', endedAt, error: { class: 'function', name: String(data.error ?? 'States.Failed'), message: String(data.cause ?? '') } };
  return undefined;
}
