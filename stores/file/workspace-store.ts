import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import type { EventStream } from '../ports/event-stream.js';
import { checkpointAcks, checkStreamName, expectationMiss, versionsOf, WorkspaceNotFoundError, type Checkpoint, type JsonObject, type Timer, type TriggerRecord, type TriggerSpec, type WorkspaceStore } from '../ports/workspace.js';
import { FileEventStream, type Line } from './event-stream.js';
import { replaceFile, StoreFileError } from './lines.js';
import { lockDir } from './lock.js';

/** A workspace's state file: replaced whole, atomically, by every change. */
interface State {
  /** How many checkpoints the state holds: stream lines tagged with a later one are cut on load. */
  checkpoint: number;
  global: JsonObject;
  triggers: Record<string, TriggerRecord>;
  timers: Record<string, Timer>;
}

interface Open {
  readonly dir: string;
  state: State;
  readonly events: FileEventStream;
  readonly commands: FileEventStream;
  readonly streams: Map<string, FileEventStream>;
}

/**
 * The embedded workspace store, durable on files under `dir` (default `.falco/workspaces`): per
 * workspace a `state.json` (triggers with contexts, global context, timers) and a JSON-lines file
 * per stream (`events.jsonl`, `commands.jsonl`: entries and consumer-group changes). A checkpoint
 * appends its stream lines tagged with its number, syncs them, then replaces `state.json`; on load,
 * tagged lines the state does not have are cut, so a SIGKILL at any point leaves all of a
 * checkpoint or none of it. One process at a time per directory (a `lock` file with its pid).
 */
export class FileWorkspaceStore implements WorkspaceStore {
  readonly dir: string;
  readonly #open = new Map<string, Open>();
  readonly #release: () => void;

  constructor({ dir = join('.falco', 'workspaces') }: { readonly dir?: string } = {}) {
    this.dir = dir;
    this.#release = lockDir(dir);
  }

  async createWorkspace(workspace: string, options: { readonly global?: JsonObject } = {}): Promise<void> {
    const dir = this.#dirOf(workspace);
    if (existsSync(join(dir, 'state.json'))) return;
    mkdirSync(dir, { recursive: true });
    replaceFile(join(dir, 'state.json'), JSON.stringify({ checkpoint: 0, global: options.global ?? {}, triggers: {}, timers: {} } satisfies State));
  }

  async deleteWorkspace(workspace: string): Promise<void> {
    const open = this.#open.get(workspace);
    if (open) {
      await closeStreams(open);
      this.#open.delete(workspace);
    }
    rmSync(this.#dirOf(workspace), { recursive: true, force: true });
  }

  async listWorkspaces(): Promise<string[]> {
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(this.dir, entry.name, 'state.json')))
      .map((entry) => entry.name)
      .sort();
  }

  async putTriggers(workspace: string, specs: readonly TriggerSpec[]): Promise<void> {
    this.#change(workspace, (state) => {
      for (const spec of structuredClone(specs)) state.triggers[spec.id] = { spec, context: spec.context ?? {}, fired: 0 };
    });
  }

  async getTrigger(workspace: string, id: string): Promise<TriggerRecord | undefined> {
    const record = this.#get(workspace).state.triggers[id];
    return record && structuredClone(record);
  }

  async getTriggers(workspace: string, ids: readonly string[]): Promise<Array<TriggerRecord | undefined>> {
    const { triggers } = this.#get(workspace).state;
    return structuredClone(ids.map((id) => (Object.hasOwn(triggers, id) ? triggers[id] : undefined)));
  }

  async listTriggers(workspace: string, { prefix = '' }: { readonly prefix?: string } = {}): Promise<TriggerRecord[]> {
    return structuredClone(Object.values(this.#get(workspace).state.triggers).filter((record) => record.spec.id.startsWith(prefix)));
  }

  async triggerVersions(workspace: string, prefix: string): Promise<Record<string, number>> {
    return versionsOf(Object.values(this.#get(workspace).state.triggers), prefix);
  }

  async deleteTrigger(workspace: string, id: string): Promise<boolean> {
    if (!this.#get(workspace).state.triggers[id]) return false;
    this.#change(workspace, (state) => delete state.triggers[id]);
    return true;
  }

  async getGlobal(workspace: string): Promise<JsonObject> {
    return structuredClone(this.#get(workspace).state.global);
  }

  events(workspace: string): EventStream {
    return this.#get(workspace).events;
  }

  commands(workspace: string): EventStream {
    return this.#get(workspace).commands;
  }

  stream(workspace: string, name: string): FileEventStream {
    const open = this.#get(workspace);
    let stream = open.streams.get(checkStreamName(name));
    if (!stream) {
      mkdirSync(join(open.dir, 'streams'), { recursive: true });
      stream = new FileEventStream(`${workspace}/${name}`, join(open.dir, 'streams', `${name}.jsonl`), open.state.checkpoint);
      open.streams.set(name, stream);
    }
    return stream;
  }

  async commit(workspace: string, committed: Checkpoint): Promise<void> {
    const open = this.#get(workspace);
    const conflict = expectationMiss(committed.expect, (id) => open.state.triggers[id]?.fired);
    if (conflict) throw conflict;
    // What the store keeps is its own: the engine goes on changing the contexts it committed.
    const checkpoint = structuredClone(committed);
    const k = open.state.checkpoint + 1;
    const staged = new Map<FileEventStream, Line[]>();
    const stage = (stream: FileEventStream, lines: readonly Line[]) => staged.set(stream, [...(staged.get(stream) ?? []), ...lines]);
    for (const { stream, group, entryIds } of checkpointAcks(checkpoint)) {
      const acked = stream === 'events' ? open.events : stream === 'commands' ? open.commands : this.stream(workspace, stream.name);
      stage(acked, acked.stageAck(group, entryIds, k));
    }
    stage(open.events, open.events.stageEvents(checkpoint.events, k));
    stage(open.commands, open.commands.stageEvents(checkpoint.commands, k));
    for (const [name, events] of Object.entries(checkpoint.streams ?? {})) {
      const stream = this.stream(workspace, name);
      stage(stream, stream.stageEvents(events, k));
    }
    const guarded = checkpoint.expect ?? {};
    this.#change(workspace, (state) => {
      // A trigger deleted since the batch was read stays deleted, unless the checkpoint guards it.
      for (const record of checkpoint.triggers) if (state.triggers[record.spec.id] || record.spec.id in guarded) state.triggers[record.spec.id] = record;
      for (const id of checkpoint.removed) delete state.triggers[id];
      if (checkpoint.global) state.global = checkpoint.global;
      for (const timer of checkpoint.timers?.set ?? []) state.timers[timer.id] = timer;
      for (const id of checkpoint.timers?.cancel ?? []) delete state.timers[id];
    }, () => {
      for (const [stream, lines] of staged) stream.write(lines);
    });
  }

  async fireDueTimers(workspace: string, now: number): Promise<number> {
    const open = this.#get(workspace);
    const due = Object.values(open.state.timers).filter((timer) => timer.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    if (due.length === 0) return 0;
    const lines = open.events.stageEvents(due.map((timer) => timer.event), open.state.checkpoint + 1);
    this.#change(workspace, (state) => due.forEach((timer) => delete state.timers[timer.id]), () => open.events.write(lines));
    return due.length;
  }

  async close(): Promise<void> {
    for (const open of this.#open.values()) await closeStreams(open);
    this.#open.clear();
    this.#release();
  }

  /**
   * Changes a workspace's state and writes it: first `before` (a checkpoint's stream lines, synced),
   * then the new state file in one atomic replace, which is what makes the checkpoint count.
   */
  #change(workspace: string, change: (state: State) => void, before?: () => void): void {
    const open = this.#get(workspace);
    const state: State = structuredClone(open.state);
    change(state);
    state.checkpoint = open.state.checkpoint + 1;
    before?.();
    replaceFile(join(open.dir, 'state.json'), JSON.stringify(state));
    open.state = state;
  }

  #get(workspace: string): Open {
    const cached = this.#open.get(workspace);
    if (cached) return cached;
    const dir = this.#dirOf(workspace);
    const state = readState(join(dir, 'state.json'), workspace, this.dir);
    const open: Open = {
      dir,
      state,
      events: new FileEventStream(`${workspace}/events`, join(dir, 'events.jsonl'), state.checkpoint),
      commands: new FileEventStream(`${workspace}/commands`, join(dir, 'commands.jsonl'), state.checkpoint),
      streams: new Map(),
    };
    this.#open.set(workspace, open);
    return open;
  }

  #dirOf(workspace: string): string {
    if (!/^[\w.-]{1,128}$/.test(workspace) || /^\.+$/.test(workspace)) {
      throw new ConfigError(`workspace "${workspace}" cannot name a directory: use 1 to 128 letters, digits, ".", "_" or "-"`);
    }
    return join(this.dir, workspace);
  }
}

function closeStreams(open: Open): Promise<unknown> {
  return Promise.all([open.events, open.commands, ...open.streams.values()].map((stream) => stream.close()));
}

function readState(path: string, workspace: string, dir: string): State {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new WorkspaceNotFoundError(`no workspace "${workspace}" in ${dir}: create it first (createWorkspace, or falco triggers add --create)`);
    throw error;
  }
  try {
    return JSON.parse(text) as State;
  } catch {
    throw new StoreFileError(`${path} is damaged (not JSON): restore it from a backup, or delete the workspace to start it afresh`);
  }
}
