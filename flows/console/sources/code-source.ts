import type { Executor } from '../../../src/executor.js';
import type { Platform } from '../../../src/platform.js';
import type { WorkflowLog } from '../../../stores/ports/workflow-log.js';
import type { WorkspaceStore } from '../../../stores/ports/workspace.js';
import type { History } from '../../code/history.js';
import { cancelRun } from '../../code/runs.js';
import type { AnyWorkflow } from '../../code/workflow.js';
import { newRunId, WorkflowWorker } from '../../code/worker.js';
import { byCreation } from '../../tasks/record.js';
import { WorkflowApiError } from '../errors.js';
import { codeRunView, FirstSeen } from './code-run-view.js';
import { LogReader } from './log-reader.js';
import { unsupported, type StartDefinition, type StartOptions, type WorkflowAction, type WorkflowListing, type WorkflowSource, type WorkflowUpdate, type WorkflowView } from './source.js';
import { listingOf, ViewWatchers } from './view-watcher.js';

export interface CodeSourceOptions {
  /** The runs' backbone: the workflow service's store. */
  readonly store: WorkspaceStore;
  /** Where the runs' event logs are kept. */
  readonly log: WorkflowLog;
  /** Where the workflows' functions run. */
  readonly platform: Platform;
  /** The workflows the API may start and resume, by name (`falco console --workflows module.js`). */
  readonly workflows: readonly AnyWorkflow[];
  readonly executor?: Executor;
  /** How often `watch` reads the logs, in ms. @default 250 */
  readonly watchPollMs?: number;
}

const WHAT = 'a workflow as code';

/**
 * Workflows as code as workflows of the API: every run in the log, each shown from its history;
 * runs of the workflows it was given start, resume (replay, retrying failed calls) and are hosted
 * here by a workflow worker. A run can be terminated (cancelled) and resumed; the engine cannot
 * pause one, and its log is its record, so it is never archived.
 */
export class CodeSource implements WorkflowSource {
  readonly kind = 'code';
  readonly #options: CodeSourceOptions;
  readonly #worker: WorkflowWorker;
  readonly #hosted = new Set<string>();
  readonly #seen = new FirstSeen();
  readonly #reader: LogReader;
  readonly #watchers: ViewWatchers;

  constructor(options: CodeSourceOptions) {
    this.#options = options;
    this.#reader = new LogReader(options.log);
    const { store, log, platform, workflows, executor } = options;
    this.#worker = new WorkflowWorker({ store, log, platform, workflows, ...(executor ? { executor } : {}) });
    this.#watchers = new ViewWatchers(() => this.#views(), options.watchPollMs ?? 250);
  }

  async list(options: { readonly archived: boolean }): Promise<WorkflowListing[]> {
    return options.archived ? [] : (await this.#views()).map(listingOf);
  }

  async inspect(id: string): Promise<WorkflowView | undefined> {
    const history = await this.#history(id);
    return history && codeRunView(id, history, this.#seen);
  }

  async start(definition: StartDefinition, options: StartOptions): Promise<WorkflowListing> {
    if (definition.kind !== 'code') throw new TypeError(`the code source starts workflows as code, not ${definition.kind} workflows`);
    const workflow = this.#options.workflows.find((known) => known.name === definition.workflow);
    if (!workflow) {
      const known = this.#options.workflows.map((w) => `"${w.name}"`).join(', ') || 'none (start falco console with --workflows MODULE)';
      throw new WorkflowApiError(400, `this server has no workflow as code named "${definition.workflow}": it has ${known}`);
    }
    const runId = options.id ?? newRunId(workflow.name);
    if (await this.#history(runId)) throw new WorkflowApiError(409, `a workflow "${runId}" exists already: give another id, or leave it out for a fresh one`);
    this.#host(await this.#worker.start(workflow, // A workflow's input type is its code's: the API hands it the JSON it was sent.
      (options.input ?? null) as never, { runId }));
    return this.#listing(runId);
  }

  async act(id: string, action: WorkflowAction): Promise<WorkflowListing> {
    const history = await this.#history(id);
    if (!history) throw new WorkflowApiError(404, `there is no workflow "${id}"`);
    const ended = history.finished;
    switch (action) {
      case 'pause':
        throw unsupported(WHAT, action, 'terminate it (a cancel), or resume it later to replay it from its log');
      case 'archive':
      case 'restore':
        throw unsupported(WHAT, action, 'its event log is its record, and it stays listed');
      case 'terminate':
        if (ended) throw new WorkflowApiError(409, `cannot terminate workflow "${id}": it has ended (${ended.ok ? 'finished' : ended.error.class === 'aborted' ? 'terminated' : 'failed'})`);
        await cancelRun(this.#options.store, this.#options.log, id);
        break;
      case 'resume':
      case 'restart':
        if (ended?.ok) throw new WorkflowApiError(409, `cannot ${action} workflow "${id}": it has finished`);
        if (ended && ended.error.class === 'aborted') throw new WorkflowApiError(409, `cannot ${action} workflow "${id}": it was terminated; start a new run`);
        if (this.#hosted.has(id)) throw new WorkflowApiError(409, `cannot ${action} workflow "${id}": it is running here`);
        this.#host(await this.#worker.resume(id));
    }
    this.#poke();
    return this.#listing(id);
  }

  watch(listener: (update: WorkflowUpdate) => void): Promise<() => Promise<void>> {
    return this.#watchers.watch(listener);
  }

  /** Stops hosting runs (they suspend, and resume from their logs) and every watch. */
  async close(): Promise<void> {
    await this.#worker.stop();
    await this.#watchers.close();
  }

  #host(handle: { readonly runId: string; readonly outcome: Promise<unknown> }): void {
    this.#hosted.add(handle.runId);
    void handle.outcome.catch(() => {}).finally(() => {
      this.#hosted.delete(handle.runId);
      this.#poke();
    });
  }

  async #history(id: string): Promise<History | undefined> {
    const history = await this.#reader.history(id);
    return history.started ? history : undefined;
  }

  async #listing(id: string): Promise<WorkflowListing> {
    return listingOf((await this.inspect(id))!);
  }

  async #views(): Promise<WorkflowView[]> {
    const runs = await this.#reader.all();
    return runs.flatMap(([run, history]) => (history.started ? [codeRunView(run, history, this.#seen)] : [])).sort(byCreation);
  }

  #poke(): void {
    this.#watchers.poke();
  }
}
