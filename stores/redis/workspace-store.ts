import { toFields } from '../ports/event.js';
import type { EventStream } from '../ports/event-stream.js';
import { CheckpointConflictError, checkpointAcks, checkStreamName, WorkspaceNotFoundError, type Checkpoint, type JsonObject, type TriggerRecord, type TriggerSpec, type WorkspaceStore } from '../ports/workspace.js';
import { RedisConnection, parseRedisUrl, workspaceKey, type RedisClient, type RedisConnectionOptions, type RedisScript } from './connection.js';
import { deadKey, flatten, RedisEventStream } from './event-stream.js';
import { COMMIT, FIRE_TIMERS, LIST_PREFIXED, PUT_TRIGGERS, TRIGGER_VERSIONS, WORKSPACE_KEYS } from './workspace-scripts.js';

/** The set of workspace names: for listing only, so it lives outside every workspace's hash tag. */
const WORKSPACES = 'falco:workspaces';

/**
 * Workspaces in Redis, every key of one under its hash tag `falco:{<workspace>}:...` (see
 * WORKSPACE_KEYS): a checkpoint and the firing of due timers are each one Lua script, so they
 * are all or nothing, on a single server or a Cluster.
 */
export class RedisWorkspaceStore implements WorkspaceStore {
  readonly #link: RedisConnection;
  readonly #streams = new Map<string, RedisEventStream>();

  constructor(options: RedisConnectionOptions) {
    parseRedisUrl(options.url);
    this.#link = new RedisConnection(options);
  }

  /** The client; a new one once the last gave up reconnecting. */
  get #connection(): Promise<RedisClient> {
    return this.#link.client();
  }

  async createWorkspace(workspace: string, options: { readonly global?: JsonObject } = {}): Promise<void> {
    const client = await this.#connection;
    await client.sendCommand(['SET', this.#key(workspace, 'global'), JSON.stringify(options.global ?? {}), 'NX']);
    await client.sendCommand(['SADD', WORKSPACES, workspace]);
  }

  async deleteWorkspace(workspace: string): Promise<void> {
    const client = await this.#connection;
    const named = (await client.sendCommand<string[]>(['SMEMBERS', this.#key(workspace, 'streams')])).map((name) => this.#streamKey(workspace, name));
    const streams = [this.#key(workspace, 'events'), this.#key(workspace, 'commands'), ...named];
    await client.sendCommand(['DEL', ...WORKSPACE_KEYS.map((part) => this.#key(workspace, part)), ...named, ...streams.map(deadKey)]);
    await client.sendCommand(['SREM', WORKSPACES, workspace]);
  }

  async listWorkspaces(): Promise<string[]> {
    const client = await this.#connection;
    return (await client.sendCommand<string[]>(['SMEMBERS', WORKSPACES])).sort();
  }

  async putTriggers(workspace: string, specs: readonly TriggerSpec[]): Promise<void> {
    const records = specs.flatMap((spec) => [spec.id, JSON.stringify({ spec, context: spec.context ?? {}, fired: 0 } satisfies TriggerRecord)]);
    await this.#run(workspace, PUT_TRIGGERS, records);
  }

  async getTrigger(workspace: string, id: string): Promise<TriggerRecord | undefined> {
    const [exists, record] = await this.#read<string | null>(workspace, ['HGET', this.#key(workspace, 'triggers'), id]);
    this.#check(workspace, exists);
    return record === null ? undefined : (JSON.parse(record) as TriggerRecord);
  }

  async getTriggers(workspace: string, ids: readonly string[]): Promise<Array<TriggerRecord | undefined>> {
    if (ids.length === 0) return [];
    const [exists, records] = await this.#read<Array<string | null>>(workspace, ['HMGET', this.#key(workspace, 'triggers'), ...ids]);
    this.#check(workspace, exists);
    return records.map((record) => (record === null ? undefined : (JSON.parse(record) as TriggerRecord)));
  }

  async listTriggers(workspace: string, { prefix = '' }: { readonly prefix?: string } = {}): Promise<TriggerRecord[]> {
    const records = await this.#run<string[]>(workspace, LIST_PREFIXED, [prefix]);
    return records.map((record) => JSON.parse(record) as TriggerRecord);
  }

  async triggerVersions(workspace: string, prefix: string): Promise<Record<string, number>> {
    const flat = await this.#run<Array<string | number>>(workspace, TRIGGER_VERSIONS, [prefix]);
    const versions: Record<string, number> = {};
    for (let i = 0; i < flat.length; i += 2) versions[String(flat[i])] = Number(flat[i + 1]);
    return versions;
  }

  async deleteTrigger(workspace: string, id: string): Promise<boolean> {
    const [exists, deleted] = await this.#read<number>(workspace, ['HDEL', this.#key(workspace, 'triggers'), id]);
    this.#check(workspace, exists);
    return deleted === 1;
  }

  async getGlobal(workspace: string): Promise<JsonObject> {
    const client = await this.#connection;
    const global = await client.sendCommand<string | null>(['GET', this.#key(workspace, 'global')]);
    this.#check(workspace, global === null ? 0 : 1);
    return JSON.parse(global!) as JsonObject;
  }

  events(workspace: string): EventStream {
    return this.#stream(this.#key(workspace, 'events'));
  }

  commands(workspace: string): EventStream {
    return this.#stream(this.#key(workspace, 'commands'));
  }

  stream(workspace: string, name: string): EventStream {
    const key = this.#streamKey(workspace, checkStreamName(name));
    if (!this.#streams.has(key)) {
      // Named so that deleteWorkspace finds it; a stream that is never written costs one set member.
      void this.#connection.then((client) => client.sendCommand(['SADD', this.#key(workspace, 'streams'), name])).catch(() => {});
    }
    return this.#stream(key);
  }

  async commit(workspace: string, checkpoint: Checkpoint): Promise<void> {
    const named = Object.entries(checkpoint.streams ?? {}).map(([name, events]) => [checkStreamName(name), events] as const);
    const acks = checkpointAcks(checkpoint);
    // Acked named streams' keys follow the written ones' (KEYS[7 + i]); each ack names its stream by its index in KEYS.
    const ackedKeys = acks.flatMap(({ stream }) => (typeof stream === 'object' ? [this.#streamKey(workspace, stream.name)] : []));
    let nextAcked = 8 + named.length;
    const encoded = {
      expect: Object.entries(checkpoint.expect ?? {}).map(([id, fired]) => [id, fired ?? -1]),
      streams: named.map(([name, events]) => [name, events.map((event) => flatten(toFields(event)))]),
      records: checkpoint.triggers.map((record) => [record.spec.id, JSON.stringify(record)]),
      removed: checkpoint.removed,
      global: checkpoint.global === undefined ? null : JSON.stringify(checkpoint.global),
      acks: acks.map(({ stream, group, entryIds }) => [stream === 'events' ? 3 : stream === 'commands' ? 4 : nextAcked++, group, entryIds]),
      events: checkpoint.events.map((event) => flatten(toFields(event))),
      commands: checkpoint.commands.map((event) => flatten(toFields(event))),
      set: (checkpoint.timers?.set ?? []).map((timer) => [timer.id, timer.dueAt, JSON.stringify(flatten(toFields(timer.event)))]),
      cancel: checkpoint.timers?.cancel ?? [],
    };
    try {
      await this.#run(workspace, COMMIT, [JSON.stringify(encoded)], [...named.map(([name]) => this.#streamKey(workspace, name)), ...ackedKeys]);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('CONFLICT')) {
        const [, id, fired] = error.message.split(' ');
        throw new CheckpointConflictError(`trigger "${id}" changed since it was read (fired ${fired === '-1' ? 'absent' : fired}): read it again and redo the batch`);
      }
      throw error;
    }
  }

  async fireDueTimers(workspace: string, now: number): Promise<number> {
    return this.#run(workspace, FIRE_TIMERS, [String(now)]);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#streams.values()].map((stream) => stream.close()));
    this.#streams.clear();
    await this.#link.close();
  }

  #key(workspace: string, part: string): string {
    return workspaceKey(workspace, part);
  }

  #streamKey(workspace: string, name: string): string {
    return workspaceKey(workspace, 'stream', name);
  }

  #stream(key: string): RedisEventStream {
    let stream = this.#streams.get(key);
    if (!stream) {
      stream = new RedisEventStream(this.#link, key);
      this.#streams.set(key, stream);
    }
    return stream;
  }

  /** Runs a workspace script; a workspace that does not exist is a `WorkspaceNotFoundError`. */
  async #run<T = number>(workspace: string, script: RedisScript, args: readonly string[], extraKeys: readonly string[] = []): Promise<T> {
    const keys = [...WORKSPACE_KEYS.map((part) => this.#key(workspace, part)), ...extraKeys];
    const client = await this.#connection;
    try {
      return await script.run<T>(client, keys, args);
    } catch (error) {
      if (error instanceof Error && error.message.includes('NOWORKSPACE')) this.#check(workspace, 0);
      throw error;
    }
  }

  /** A command and the workspace's existence, pipelined: [exists, reply]. */
  async #read<T>(workspace: string, command: readonly string[]): Promise<[number, T]> {
    const client = await this.#connection;
    return Promise.all([client.sendCommand<number>(['EXISTS', this.#key(workspace, 'global')]), client.sendCommand<T>(command)]);
  }

  #check(workspace: string, exists: number): void {
    if (exists === 0) throw new WorkspaceNotFoundError(`no workspace "${workspace}" in Redis: create it first (createWorkspace, or falco triggers add --create)`);
  }
}
