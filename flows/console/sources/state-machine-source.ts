import { randomUUID } from 'node:crypto';
import type { Deployable } from '../../../src/deployable.js';
import { definedOnly } from '../../../src/defined.js';
import { AbortedError, messageOf } from '../../../src/errors.js';
import type { Executor } from '../../../src/executor.js';
import type { Platform } from '../../../src/platform.js';
import type { EventConsumer } from '../../../stores/ports/event-stream.js';
import type { Json, WorkspaceStore } from '../../../stores/ports/workspace.js';
import { compileStateMachine } from '../../state-machine/compile.js';
import { runStateMachine, type StateMachineResult } from '../../state-machine/run.js';
import { parseStateMachine } from '../../state-machine/validate.js';
import { byCreation, headerDetailOf, type WorkflowHeader } from '../../tasks/record.js';
import type { WorkflowState } from '../../tasks/service-types.js';
import { WorkflowApiError } from '../errors.js';
import { RecordStore } from './record-store.js';
import { unsupported, type StartDefinition, type StartOptions, type WorkflowAction, type WorkflowListing, type WorkflowSource, type WorkflowUpdate, type WorkflowView } from './source.js';
import { stateMachineGraph } from './state-machine-graph.js';
import { applyEvent, type StateNames, type StateProgress } from './state-machine-progress.js';
import { listingOf, ViewWatchers } from './view-watcher.js';

/** The workspace state-machine runs are recorded in, unless told otherwise. */
export const DEFAULT_STATE_MACHINE_WORKSPACE = 'falco-state-machines';

export interface StateMachineSourceOptions {
  /** The store the runs use as their backbone and are recorded in: the workflow service's. */
  readonly store: WorkspaceStore;
  /** Where Task states run. */
  readonly platform: Platform;
  /** The deployables a Task's `Resource` may name. */
  readonly resources?: Readonly<Record<string, Deployable>>;
  readonly executor?: Executor;
  /** @default "falco-state-machines" */
  readonly workspace?: string;
  /** How often `watch` reads the records, in ms. @default 250 */
  readonly watchPollMs?: number;
}

/** A state-machine run as it is recorded: its definition, where it stands, and each state's progress. */
interface MachineRun extends WorkflowHeader {
  definition: Json;
  nodeOf: Record<string, string>;
  waits: string[];
  states: Record<string, StateProgress>;
}

const WHAT = 'a state machine';
const ENDED: readonly WorkflowState[] = ['finished', 'failed', 'terminated'];
/** The consumer group that follows a run's events into its record. */
const FOLLOWER = 'falco-console';

/**
 * State-machine runs as workflows of the API: started from a definition (ASL as JSON), run here on
 * the store by the state-machine engine, and followed through their workspace's events into a record
 * per run (each state's last entry, its count, timings, input, output, error). A run can be
 * terminated, and archived once ended; the engine cannot pause one, nor restart it.
 */
export class StateMachineSource implements WorkflowSource {
  readonly kind = 'state-machine';
  readonly #options: StateMachineSourceOptions;
  readonly #records: RecordStore<MachineRun>;
  readonly #hosted = new Map<string, { readonly abort: AbortController; readonly done: Promise<void> }>();
  readonly #watchers: ViewWatchers;

  private constructor(options: StateMachineSourceOptions, records: RecordStore<MachineRun>) {
    this.#options = options;
    this.#records = records;
    this.#watchers = new ViewWatchers(() => this.#views(), options.watchPollMs ?? 250);
  }

  static async open(options: StateMachineSourceOptions): Promise<StateMachineSource> {
    return new StateMachineSource(options, await RecordStore.open<MachineRun>(options.store, options.workspace ?? DEFAULT_STATE_MACHINE_WORKSPACE));
  }

  async list(options: { readonly archived: boolean }): Promise<WorkflowListing[]> {
    return (await this.#views()).filter((view) => view.archived === options.archived).map(listingOf);
  }

  async inspect(id: string): Promise<WorkflowView | undefined> {
    const run = await this.#records.get(id);
    return run && viewOf(run);
  }

  async start(definition: StartDefinition, options: StartOptions): Promise<WorkflowListing> {
    if (definition.kind !== 'state-machine') throw new TypeError(`the state-machine source starts state machines, not ${definition.kind} workflows`);
    const resources = this.#options.resources ?? {};
    const machine = parseStateMachine(definition.definition, Object.keys(resources));
    const id = options.id ?? `sm-${randomUUID().slice(0, 8)}`;
    if (!/^[\w.-]{1,64}$/.test(id)) throw new WorkflowApiError(400, `"${id}" cannot be a state machine's id: use 1 to 64 letters, digits, "_", "." or "-"`);
    const { store } = this.#options;
    if ((await this.#records.get(id)) || (await store.listWorkspaces()).includes(id)) throw new WorkflowApiError(409, `a workflow "${id}" exists already: give another id, or leave it out for a fresh one`);
    const { triggers } = compileStateMachine(machine, { workspace: id, resources: Object.keys(resources) });
    const nodeOf = Object.fromEntries(triggers.map((trigger) => [trigger.id, String(trigger.action.options?.name)]));
    const name = typeof machine.Comment === 'string' && machine.Comment.length <= 60 ? machine.Comment : 'state-machine';
    const input = options.input ?? {};
    const run: MachineRun = {
      id,
      name,
      definition: definition.definition,
      input,
      state: 'running',
      createdAt: Date.now(),
      archived: false,
      graph: stateMachineGraph(name, machine),
      nodeOf,
      waits: triggers.filter((trigger) => trigger.action.name === 'stateMachine.wait').map((trigger) => nodeOf[trigger.id]!),
      states: {},
    };
    await this.#records.put(id, run);
    await store.createWorkspace(id);
    const follower = await store.events(id).consumer(FOLLOWER, 'console', { start: '0' });
    const abort = new AbortController();
    const done = this.#host(run, follower, abort.signal).finally(() => this.#hosted.delete(id));
    this.#hosted.set(id, { abort, done });
    this.#poke();
    return listingOf(viewOf(run));
  }

  async act(id: string, action: WorkflowAction): Promise<WorkflowListing> {
    const run = await this.#records.get(id);
    if (!run) throw new WorkflowApiError(404, `there is no workflow "${id}"`);
    switch (action) {
      case 'pause':
      case 'resume':
        throw unsupported(WHAT, action, 'it runs to its end once started; terminate it, or start it again');
      case 'restart':
        throw unsupported(WHAT, action, 'start it again from its definition (POST /api/workflows with "stateMachine")');
      case 'terminate': {
        const hosted = this.#hosted.get(id);
        if (!hosted) throw new WorkflowApiError(409, `cannot terminate workflow "${id}": it is ${run.state}${run.state === 'running' ? ' in another process, which alone can stop it' : ''}`);
        hosted.abort.abort();
        await hosted.done;
        break;
      }
      case 'archive':
      case 'restore': {
        if (action === 'archive' && !ENDED.includes(run.state)) throw new WorkflowApiError(409, `cannot archive workflow "${id}": it is ${run.state}; terminate it first`);
        if (action === 'restore' && !run.archived) throw new WorkflowApiError(409, `cannot restore workflow "${id}": it is not archived`);
        await this.#records.put(id, { ...run, archived: action === 'archive' });
        this.#poke();
      }
    }
    return listingOf(viewOf((await this.#records.get(id))!));
  }

  watch(listener: (update: WorkflowUpdate) => void): Promise<() => Promise<void>> {
    return this.#watchers.watch(listener);
  }

  /** Terminates the runs hosted here (a run needs its host), and stops every watch. */
  async close(): Promise<void> {
    for (const { abort } of this.#hosted.values()) abort.abort();
    await Promise.all([...this.#hosted.values()].map(({ done }) => done));
    await this.#watchers.close();
  }

  async #views(): Promise<WorkflowView[]> {
    return (await this.#records.all()).map(viewOf).sort(byCreation);
  }

  #poke(): void {
    this.#watchers.poke();
  }

  /** Runs the machine while following its events into the record; then records its end and drops its workspace. */
  async #host(run: MachineRun, follower: EventConsumer, signal: AbortSignal): Promise<void> {
    const { store, platform, resources, executor } = this.#options;
    const names: StateNames = { nodeOf: run.nodeOf, waits: new Set(run.waits) };
    const stopFollowing = new AbortController();
    const follow = async (blockMs: number): Promise<number> => {
      const deliveries = await follower.read({ max: 500, blockMs, signal: stopFollowing.signal });
      for (const { event } of deliveries) applyEvent(run.states, names, event);
      if (deliveries.length > 0) {
        await this.#records.put(run.id, run);
        this.#poke();
      }
      await follower.ack(deliveries.map((delivery) => delivery.entryId));
      return deliveries.length;
    };
    const following = (async () => {
      while (!stopFollowing.signal.aborted) await follow(200).catch(() => 0);
    })();
    let outcome: StateMachineResult | Error;
    try {
      outcome = await runStateMachine(run.definition, { platform, store, input: run.input, runId: run.id, keepWorkspace: true, signal, ...(resources ? { resources } : {}), ...(executor ? { executor } : {}) });
    } catch (error) {
      outcome = signal.aborted ? new AbortedError(`workflow "${run.id}" was terminated`) : error instanceof Error ? error : new Error(messageOf(error));
    }
    stopFollowing.abort();
    await following;
    while ((await follow(0).catch(() => 0)) > 0);
    await follower.close();
    await store.deleteWorkspace(run.id).catch(() => {});
    Object.assign(run, endOf(outcome));
    run.endedAt = Date.now();
    await this.#records.put(run.id, run);
    this.#poke();
  }
}

function endOf(outcome: StateMachineResult | Error): Pick<MachineRun, 'state' | 'output' | 'error'> {
  if (outcome instanceof AbortedError) return { state: 'terminated' };
  if (outcome instanceof Error) return { state: 'failed', error: { class: 'fatal', name: outcome.name, message: outcome.message } };
  if (outcome.status === 'succeeded') return { state: 'finished', output: outcome.output };
  return { state: 'failed', error: { class: 'function', name: outcome.error, message: outcome.cause } };
}

function viewOf(run: MachineRun): WorkflowView {
  return {
    ...headerDetailOf(run),
    kind: 'state-machine',
    tasks: run.graph.nodes.map((node) => {
      const progress = run.states[node.id];
      if (!progress) return { node: node.id, name: node.name, state: 'pending', attempt: 0 };
      const { state, attempt, entries, startedAt, endedAt, input, output, error } = progress;
      return { node: node.id, name: node.name, state, attempt, entries, ...definedOnly({ startedAt, endedAt, input, output, error }) };
    }),
  };
}
