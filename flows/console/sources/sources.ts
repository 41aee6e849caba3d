import { byCreation } from '../../tasks/record.js';
import { WorkflowApiError } from '../errors.js';
import type { StartDefinition, StartOptions, WorkflowAction, WorkflowKind, WorkflowListing, WorkflowSource, WorkflowUpdate, WorkflowView } from './source.js';

const WHAT: Record<WorkflowKind, string> = { graph: 'a flow graph ("graph" or "flow")', 'state-machine': 'a state machine ("stateMachine")', code: 'a workflow as code ("workflow")' };

/**
 * Several engines' workflows as one: a list of all, inspect and lifecycle calls routed to the
 * source that has the id, a start routed by the definition's kind, and one change feed.
 */
export class WorkflowSources {
  readonly #sources: readonly WorkflowSource[];

  constructor(sources: readonly WorkflowSource[]) {
    this.#sources = sources;
  }

  get kinds(): WorkflowKind[] {
    return this.#sources.map((source) => source.kind);
  }

  async list(options: { readonly archived: boolean }): Promise<WorkflowListing[]> {
    const lists = await Promise.all(this.#sources.map((source) => source.list(options)));
    return lists.flat().sort(byCreation);
  }

  async inspect(id: string): Promise<WorkflowView | undefined> {
    for (const source of this.#sources) {
      const view = await source.inspect(id);
      if (view) return view;
    }
    return undefined;
  }

  async start(definition: StartDefinition, options: StartOptions): Promise<WorkflowListing> {
    const source = this.#sources.find((candidate) => candidate.kind === definition.kind);
    if (!source) throw new WorkflowApiError(400, `this server does not run ${WHAT[definition.kind]}: it starts ${this.#sources.map((s) => WHAT[s.kind]).join(', ')}`);
    if (options.id !== undefined && (await this.inspect(options.id))) throw new WorkflowApiError(409, `cannot start: a workflow "${options.id}" exists already: give another id, or leave it out for a fresh one`);
    return source.start(definition, options);
  }

  /** `undefined` when no source has the workflow. */
  async act(id: string, action: WorkflowAction): Promise<WorkflowListing | undefined> {
    for (const source of this.#sources) {
      if (await source.inspect(id)) return source.act(id, action);
    }
    return undefined;
  }

  async watch(listener: (update: WorkflowUpdate) => void): Promise<() => Promise<void>> {
    const stops = await Promise.all(this.#sources.map((source) => source.watch(listener)));
    return async () => {
      await Promise.all(stops.map((stop) => stop()));
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.#sources.map((source) => source.close()));
  }
}
