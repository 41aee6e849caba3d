import { randomUUID } from 'node:crypto';
import { makeEvent, type EventInit, type FalcoEvent } from '../../stores/ports/event.js';
import { WorkspaceNotFoundError, type JsonObject, type TriggerRecord, type TriggerSpec, type WorkspaceStore } from '../../stores/ports/workspace.js';
import { createRegistry } from './builtins.js';
import type { Registry } from './registry.js';
import { TRIGGERS_CHANGED_TYPE } from './service.js';
import { checkWorkspaceName, parseTriggerSpec } from './spec.js';

/**
 * The typed CRUD API over any `WorkspaceStore`: workspaces, their triggers (checked against the
 * registry before anything is stored) and the events they consume. A change to the triggers is
 * also published as `falco.workspace.triggers.changed`, so a running trigger service sees it
 * before any event published after it.
 */
export class Workspaces {
  readonly #store: WorkspaceStore;
  readonly #registry: Registry;

  constructor(store: WorkspaceStore, options: { readonly registry?: Registry } = {}) {
    this.#store = store;
    this.#registry = options.registry ?? createRegistry();
  }

  async create(workspace: string, options: { readonly global?: JsonObject } = {}): Promise<void> {
    checkWorkspaceName(workspace);
    await this.#store.createWorkspace(workspace, options);
  }

  async delete(workspace: string): Promise<void> {
    await this.#require(workspace);
    await this.#store.deleteWorkspace(workspace);
  }

  list(): Promise<string[]> {
    return this.#store.listWorkspaces();
  }

  /** Adds (or replaces, by id) triggers; every one is checked first, so a bad one adds none. */
  async addTriggers(workspace: string, specs: readonly TriggerSpec[]): Promise<void> {
    const checked = specs.map((spec, index) => parseTriggerSpec(spec, `trigger #${index}`));
    for (const spec of checked) this.#registry.resolve(spec);
    await this.#require(workspace);
    await this.#store.putTriggers(workspace, checked);
    await this.#changed(workspace, checked.map((spec) => spec.id));
  }

  async listTriggers(workspace: string): Promise<TriggerRecord[]> {
    await this.#require(workspace);
    return this.#store.listTriggers(workspace);
  }

  async getTrigger(workspace: string, id: string): Promise<TriggerRecord | undefined> {
    await this.#require(workspace);
    return this.#store.getTrigger(workspace, id);
  }

  /** True if there was such a trigger. */
  async deleteTrigger(workspace: string, id: string): Promise<boolean> {
    await this.#require(workspace);
    const deleted = await this.#store.deleteTrigger(workspace, id);
    if (deleted) await this.#changed(workspace, [id]);
    return deleted;
  }

  getGlobal(workspace: string): Promise<JsonObject> {
    return this.#store.getGlobal(workspace);
  }

  /** Publishes events to the workspace's event stream; `specversion` and `time` are filled in. */
  async publish(workspace: string, events: readonly EventInit<unknown>[]): Promise<FalcoEvent[]> {
    await this.#require(workspace);
    const made = events.map((event) => makeEvent(event));
    await this.#store.events(workspace).publish(made);
    return made;
  }

  async #changed(workspace: string, triggers: string[]): Promise<void> {
    await this.#store.events(workspace).publish([makeEvent({ id: randomUUID(), source: '/falco/workspaces', type: TRIGGERS_CHANGED_TYPE, subject: workspace, data: { triggers } })]);
  }

  async #require(workspace: string): Promise<void> {
    if (!(await this.#store.listWorkspaces()).includes(workspace)) {
      throw new WorkspaceNotFoundError(`the workspace "${workspace}" does not exist: create it first (workspaces.create("${workspace}"), or falco triggers add --create)`);
    }
  }
}
