import type { WorkflowService, WorkflowSummary } from '../../tasks/service-types.js';
import type { StartDefinition, StartOptions, WorkflowAction, WorkflowListing, WorkflowSource, WorkflowUpdate, WorkflowView } from './source.js';

const listed = (summary: WorkflowSummary): WorkflowListing => ({ ...summary, kind: 'graph' });

/** The workflow service's graphs (DAGs, `.flow` files) as a source: every lifecycle call is the service's own. */
export class GraphSource implements WorkflowSource {
  readonly kind = 'graph';
  readonly #service: WorkflowService;

  constructor(service: WorkflowService) {
    this.#service = service;
  }

  async list(options: { readonly archived: boolean }): Promise<WorkflowListing[]> {
    return (await this.#service.list(options)).map(listed);
  }

  async inspect(id: string): Promise<WorkflowView | undefined> {
    const detail = await this.#service.inspect(id);
    return detail && { ...detail, kind: 'graph' };
  }

  async start(definition: StartDefinition, options: StartOptions): Promise<WorkflowListing> {
    if (definition.kind !== 'graph') throw new TypeError(`the graph source starts graphs, not ${definition.kind} workflows`);
    return listed(await this.#service.start(definition.graph, options.input ?? undefined, options.id === undefined ? {} : { id: options.id }));
  }

  async act(id: string, action: WorkflowAction): Promise<WorkflowListing> {
    return listed(await this.#service[action](id));
  }

  watch(listener: (update: WorkflowUpdate) => void): Promise<() => Promise<void>> {
    return this.#service.watch((change) => listener(change.kind === 'workflow' ? { kind: 'workflow', workflow: listed(change.workflow) } : change));
  }

  /** The service is its owner's to close. */
  async close(): Promise<void> {}
}
