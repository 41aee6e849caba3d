import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Deployable } from '../../../src/deployable.js';
import { definedOnly } from '../../../src/defined.js';
import type { Executor } from '../../../src/executor.js';
import type { Platform } from '../../../src/platform.js';
import { makeEvent } from '../../../stores/ports/event.js';
import type { WorkspaceStore } from '../../../stores/ports/workspace.js';
import { withBuilders } from '../../builders/registry.js';
import { compileStateMachine } from '../../state-machine/compile.js';
import { ENTER, subjectOf, TOP_TOKEN } from '../../state-machine/events.js';
import { parseStateMachine } from '../../state-machine/validate.js';
import { byCreation, headerDetailOf } from '../../tasks/record.js';
import type { WorkflowState } from '../../tasks/service-types.js';
import { Workspaces } from '../../triggers/workspaces.js';
import { WorkflowApiError } from '../errors.js';
import type { RecordStore } from './record-store.js';
import { unsupported, type StartDefinition, type StartOptions, type WorkflowAction, type WorkflowListing, type WorkflowSource, type WorkflowUpdate, type WorkflowView } from './source.js';
import { stateMachineGraph } from './state-machine-graph.js';
import { StateMachineHost } from './state-machine-host.js';
import { openMachineRecords, TERMINATE_REQUESTED, type MachineRun } from './state-machine-record.js';
import { listingOf, ViewWatchers } from './view-watcher.js';

export { DEFAULT_STATE_MACHINE_WORKSPACE } from './state-machine-record.js';

export interface StateMachineSourceOptions {
  /** The store the runs use as their backbone and are recorded in: the workflow service's. */
  readonly store: WorkspaceStore;
  /**
   * Where Task states run, when this process hosts the runs it starts (one process hosting
   * everything, as on `memory:` and `file:` stores). Without it the runs are hosted by a
   * `StateMachineHost` elsewhere (`falco triggers serve --workflows MODULE`).
   */
  readonly platform?: Platform;
  /** The deployables a Task's `Resource` may name. */
  readonly resources?: Readonly<Record<string, Deployable>>;
  readonly executor?: Executor;
  /** @default "falco-state-machines" */
  readonly workspace?: string;
  /** How often `watch` reads the records, in ms. @default 250 */
  readonly watchPollMs?: number;
  /** How long a terminate waits for the host to record the run terminated before it answers `terminating`, in ms. @default 10000 */
  readonly terminateWaitMs?: number;
}

const WHAT = 'a state machine';
const ENDED: readonly WorkflowState[] = ['finished', 'failed', 'terminated'];

/**
 * State-machine runs as workflows of the API: started from a definition (ASL as JSON) by
 * installing its compiled triggers in a workspace of their own and publishing the start event; a
 * `StateMachineHost` (here, or in another process) runs them and keeps a record per run (each
 * state's last entry, its count, timings, input, output, error). A run can be terminated from any
 * process, and archived once ended; the engine cannot pause one, nor restart it.
 */
export class StateMachineSource implements WorkflowSource {
  readonly kind = 'state-machine';
  readonly #options: StateMachineSourceOptions;
  readonly #records: RecordStore<MachineRun>;
  readonly #host: StateMachineHost | undefined;
  readonly #watchers: ViewWatchers;

  private constructor(options: StateMachineSourceOptions, records: RecordStore<MachineRun>, host: StateMachineHost | undefined, watchers: ViewWatchers) {
    this.#options = options;
    this.#records = records;
    this.#host = host;
    this.#watchers = watchers;
  }

  static async open(options: StateMachineSourceOptions): Promise<StateMachineSource> {
    const { store, platform, resources, executor, workspace } = options;
    const records = await openMachineRecords(store, workspace);
    const watchers = new ViewWatchers(() => viewsOf(records), options.watchPollMs ?? 250);
    const onChange = () => watchers.poke();
    const host = platform && (await StateMachineHost.start({ store, platform, onChange, ...definedOnly({ resources, executor, workspace }) }));
    return new StateMachineSource(options, records, host, watchers);
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
    const resources = Object.keys(this.#options.resources ?? {});
    const machine = parseStateMachine(definition.definition, resources);
    const id = options.id ?? `sm-${randomUUID().slice(0, 8)}`;
    if (!/^[\w.-]{1,64}$/.test(id)) throw new WorkflowApiError(400, `"${id}" cannot be a state machine's id: use 1 to 64 letters, digits, "_", "." or "-"`);
    const { store } = this.#options;
    if ((await this.#records.get(id)) || (await store.listWorkspaces()).includes(id)) throw new WorkflowApiError(409, `a workflow "${id}" exists already: give another id, or leave it out for a fresh one`);
    const { triggers, start } = compileStateMachine(machine, { workspace: id, resources });
    const nodeOf = Object.fromEntries(triggers.map((trigger) => [trigger.id, String(trigger.action.options?.name)]));
    const name = typeof machine.Comment === 'string' && machine.Comment.length <= 60 ? machine.Comment : 'state-machine';
    const input = options.input ?? {};
    const workspaces = new Workspaces(store, { registry: withBuilders() });
    await workspaces.create(id, { global: { input } });
    await workspaces.addTriggers(id, triggers);
    await store.events(id).publish([makeEvent({ id: `${id}/start`, source: '/falco/state-machine', type: ENTER, subject: subjectOf(start, TOP_TOKEN), data: { input } })]);
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
    this.#host?.poke();
    this.#watchers.poke();
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
      case 'terminate':
        if (run.state !== 'running') throw new WorkflowApiError(409, `cannot terminate workflow "${id}": it is ${run.state}`);
        return this.#terminate(id);
      case 'archive':
      case 'restore': {
        if (action === 'archive' && !ENDED.includes(run.state)) throw new WorkflowApiError(409, `cannot archive workflow "${id}": it is ${run.state}; terminate it first`);
        if (action === 'restore' && !run.archived) throw new WorkflowApiError(409, `cannot restore workflow "${id}": it is not archived`);
        await this.#records.put(id, { ...run, archived: action === 'archive' });
        this.#watchers.poke();
      }
    }
    return listingOf(viewOf((await this.#records.get(id))!));
  }

  watch(listener: (update: WorkflowUpdate) => void): Promise<() => Promise<void>> {
    return this.#watchers.watch(listener);
  }

  /** Stops hosting runs here (they stay running in the store, for the next host) and every watch. */
  async close(): Promise<void> {
    await this.#host?.stop();
    await this.#watchers.close();
  }

  #views(): Promise<WorkflowView[]> {
    return viewsOf(this.#records);
  }

  /** Asks the run's host to stop it, and waits a while for the host to record it: until then it is `terminating`. */
  async #terminate(id: string): Promise<WorkflowListing> {
    await this.#options.store.events(id).publish([makeEvent({ id: `${id}/terminate`, source: '/falco/console', type: TERMINATE_REQUESTED, subject: id })]);
    const deadline = Date.now() + (this.#options.terminateWaitMs ?? 10_000);
    for (;;) {
      const run = (await this.#records.get(id))!;
      if (run.state !== 'running') return listingOf(viewOf(run));
      if (Date.now() >= deadline) return { ...listingOf(viewOf(run)), state: 'terminating' };
      await sleep(50);
    }
  }
}

async function viewsOf(records: RecordStore<MachineRun>): Promise<WorkflowView[]> {
  return (await records.all()).map(viewOf).sort(byCreation);
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
