import { FatalError } from '../../src/errors.js';
import type { FalcoEvent } from '../ports/event.js';
import type { EventConsumer } from '../ports/event-stream.js';
import { checkpointAcks, checkStreamName, expectationMiss, versionsOf, WorkspaceNotFoundError, type Checkpoint, type JsonObject, type StreamAck, type Timer, type TriggerRecord, type TriggerSpec, type WorkspaceStore } from '../ports/workspace.js';
import { MemoryEventStream } from './event-stream.js';

interface Workspace {
  readonly triggers: Map<string, TriggerRecord>;
  global: JsonObject;
  readonly events: MemoryEventStream;
  readonly commands: MemoryEventStream;
  readonly streams: Map<string, MemoryEventStream>;
  /** Timers by id, and the same timers ordered by when they are due. */
  readonly timers: Map<string, Timer>;
  dueOrder: Timer[];
  /** One consumer per stream and group, through which commits acknowledge entries. */
  readonly ackers: Map<string, EventConsumer>;
}

/**
 * The embedded `WorkspaceStore`, in this process's memory: the backbone tests and single-process
 * flows run on. Every write copies what it is given and every read copies what it returns, so no
 * caller can change stored state behind the store's back; `commit` does all of a checkpoint in one
 * synchronous step, which nothing else can interleave with.
 */
export class MemoryWorkspaceStore implements WorkspaceStore {
  readonly #workspaces = new Map<string, Workspace>();
  #closed = false;

  async createWorkspace(workspace: string, options: { readonly global?: JsonObject } = {}): Promise<void> {
    this.#checkOpen();
    if (this.#workspaces.has(workspace)) return;
    this.#workspaces.set(workspace, {
      triggers: new Map(),
      global: structuredClone(options.global ?? {}),
      events: new MemoryEventStream(`${workspace}/events`),
      commands: new MemoryEventStream(`${workspace}/commands`),
      streams: new Map(),
      timers: new Map(),
      dueOrder: [],
      ackers: new Map(),
    });
  }

  async deleteWorkspace(workspace: string): Promise<void> {
    const state = this.#workspaces.get(workspace);
    if (!state) return;
    this.#workspaces.delete(workspace);
    await closeStreams(state);
  }

  async listWorkspaces(): Promise<string[]> {
    return [...this.#workspaces.keys()].sort();
  }

  async putTriggers(workspace: string, specs: readonly TriggerSpec[]): Promise<void> {
    const state = this.#get(workspace);
    for (const spec of structuredClone(specs)) {
      state.triggers.set(spec.id, { spec, context: spec.context ?? {}, fired: 0 });
    }
  }

  async getTrigger(workspace: string, id: string): Promise<TriggerRecord | undefined> {
    const record = this.#get(workspace).triggers.get(id);
    return record && structuredClone(record);
  }

  async getTriggers(workspace: string, ids: readonly string[]): Promise<Array<TriggerRecord | undefined>> {
    const { triggers } = this.#get(workspace);
    return structuredClone(ids.map((id) => triggers.get(id)));
  }

  async listTriggers(workspace: string, { prefix = '' }: { readonly prefix?: string } = {}): Promise<TriggerRecord[]> {
    return structuredClone([...this.#get(workspace).triggers.values()].filter((record) => record.spec.id.startsWith(prefix)));
  }

  async triggerVersions(workspace: string, prefix: string): Promise<Record<string, number>> {
    return versionsOf(this.#get(workspace).triggers.values(), prefix);
  }

  async deleteTrigger(workspace: string, id: string): Promise<boolean> {
    return this.#get(workspace).triggers.delete(id);
  }

  async getGlobal(workspace: string): Promise<JsonObject> {
    return structuredClone(this.#get(workspace).global);
  }

  events(workspace: string): MemoryEventStream {
    return this.#get(workspace).events;
  }

  commands(workspace: string): MemoryEventStream {
    return this.#get(workspace).commands;
  }

  stream(workspace: string, name: string): MemoryEventStream {
    const state = this.#get(workspace);
    let stream = state.streams.get(checkStreamName(name));
    if (!stream) {
      stream = new MemoryEventStream(`${workspace}/${name}`);
      state.streams.set(name, stream);
    }
    return stream;
  }

  async commit(workspace: string, checkpoint: Checkpoint): Promise<void> {
    const state = this.#get(workspace);
    const ackers = await Promise.all(checkpointAcks(checkpoint).map(async (ack) => [await this.#acker(workspace, state, ack), [...ack.entryIds]] as const));
    // Everything below is synchronous: no other call of this store can run in between.
    const conflict = expectationMiss(checkpoint.expect, (id) => state.triggers.get(id)?.fired);
    if (conflict) throw conflict;
    const copy = structuredClone(checkpoint);
    const streams = Object.entries(copy.streams ?? {}).map(([name, events]) => [this.stream(workspace, name), events] as const);
    const guarded = copy.expect ?? {};
    // A trigger deleted while its batch was in flight stays deleted, unless the checkpoint guards it.
    for (const record of copy.triggers) if (state.triggers.has(record.spec.id) || record.spec.id in guarded) state.triggers.set(record.spec.id, record);
    for (const id of copy.removed) state.triggers.delete(id);
    if (copy.global) state.global = copy.global;
    for (const [acker, entryIds] of ackers) void acker.ack(entryIds);
    if (copy.events.length > 0) void state.events.publish(copy.events);
    if (copy.commands.length > 0) void state.commands.publish(copy.commands);
    if (copy.timers) setTimers(state, copy.timers.set, copy.timers.cancel);
    for (const [stream, events] of streams) if (events.length > 0) void stream.publish(events);
  }

  async fireDueTimers(workspace: string, now: number): Promise<number> {
    const state = this.#get(workspace);
    let due = 0;
    while (due < state.dueOrder.length && state.dueOrder[due]!.dueAt <= now) due++;
    if (due === 0) return 0;
    const fired = state.dueOrder.splice(0, due);
    const events: FalcoEvent[] = [];
    for (const timer of fired) {
      state.timers.delete(timer.id);
      events.push(timer.event);
    }
    void state.events.publish(events);
    return fired.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const state of this.#workspaces.values()) await closeStreams(state);
  }

  #get(workspace: string): Workspace {
    this.#checkOpen();
    const state = this.#workspaces.get(workspace);
    if (!state) {
      throw new WorkspaceNotFoundError(`the workspace "${workspace}" does not exist: create it first (createWorkspace("${workspace}"), or falco triggers add --create)`);
    }
    return state;
  }

  async #acker(workspace: string, state: Workspace, { stream, group }: StreamAck): Promise<EventConsumer> {
    const key = JSON.stringify([stream, group]);
    let acker = state.ackers.get(key);
    if (!acker) {
      const acked = stream === 'events' ? state.events : stream === 'commands' ? state.commands : this.stream(workspace, stream.name);
      acker = await acked.consumer(group, 'falco-checkpoint');
      state.ackers.set(key, acker);
    }
    return acker;
  }

  #checkOpen(): void {
    if (this.#closed) throw new FatalError('the memory workspace store is closed: open a new one');
  }
}

function closeStreams(state: Workspace): Promise<unknown> {
  return Promise.all([state.events, state.commands, ...state.streams.values()].map((stream) => stream.close()));
}

/** Cancels, then sets (replacing any timer of the same id), keeping `dueOrder` sorted by binary insertion. */
function setTimers(state: Workspace, set: readonly Timer[], cancel: readonly string[]): void {
  const gone = new Set([...cancel, ...set.map((timer) => timer.id)].filter((id) => state.timers.has(id)));
  if (gone.size > 0) state.dueOrder = state.dueOrder.filter((timer) => !gone.has(timer.id));
  for (const id of cancel) state.timers.delete(id);
  for (const timer of set) {
    state.timers.set(timer.id, timer);
    let low = 0;
    let high = state.dueOrder.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (state.dueOrder[middle]!.dueAt <= timer.dueAt) low = middle + 1;
      else high = middle;
    }
    state.dueOrder.splice(low, 0, timer);
  }
}
