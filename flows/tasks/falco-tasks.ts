import { ConcurrentExecutor } from '../../executors/index.js';
import { EventBus, type FalcoEvents } from '../../src/events.js';
import { toFalcoError } from '../../src/errors.js';
import type { Deployable } from '../../src/deployable.js';
import type { Executor } from '../../src/executor.js';
import { createInvocations, errorInfo } from '../../src/invocation.js';
import type { Deployment, Platform } from '../../src/platform.js';
import type { Json } from '../../stores/ports/workspace.js';
import { dagTaskInput } from './dag-graph.js';
import type { StartTask } from './events.js';
import type { TaskBatchKind, TaskResult } from './task-worker.js';


import { FALCO_KIND } from './effects.js';

export interface FalcoTasksOptions {
  readonly platform: Platform;
  /** The functions, by the name the kinds use (`falco:square` → `square`): deployed on first use, removed by `remove()`. */
  readonly deployables: Readonly<Record<string, Deployable>>;
  /** Retries, congestion control and records, as for any phase. @default new ConcurrentExecutor() */
  readonly executor?: Executor;
  /** The executor's events (attempts, retries, ends). */
  readonly events?: EventBus<FalcoEvents>;
}

/**
 * Task kinds `falco:<name>` for a `TaskWorker`: a batch of tasks of one kind is one phase of
 * invocations of the function, pushed through falco's executor and the platform (each invocation's
 * id is the task's `<workflow>/<node>/<dispatch>`, its idempotency key); the invocation's attempt
 * records go into the end-task.
 */
export class FalcoTasks {
  readonly #options: FalcoTasksOptions;
  readonly #executor: Executor;
  readonly #deployed = new Map<string, Promise<Deployment>>();

  constructor(options: FalcoTasksOptions) {
    this.#options = options;
    this.#executor = options.executor ?? new ConcurrentExecutor();
  }

  /** The kinds, `falco:<name>` for each deployable, to hand to `TaskWorker.start({ kinds })`. */
  kinds(): Record<string, TaskBatchKind> {
    return Object.fromEntries(Object.keys(this.#options.deployables).map((name) => [`${FALCO_KIND}${name}`, { runBatch: (tasks, signal) => this.#run(name, tasks.map(({ task }) => task), signal) } satisfies TaskBatchKind]));
  }

  /** Removes the functions deployed so far. */
  async remove(): Promise<void> {
    const deployed = await Promise.allSettled(this.#deployed.values());
    this.#deployed.clear();
    for (const outcome of deployed) if (outcome.status === 'fulfilled') await this.#options.platform.remove(outcome.value);
  }

  async #run(name: string, tasks: readonly StartTask[], signal: AbortSignal): Promise<TaskResult[]> {
    let deployment: Deployment;
    try {
      deployment = await this.#deployment(name);
    } catch (error) {
      const failed: TaskResult = { status: 'failed', error: errorInfo(toFalcoError(error, `deploying "${name}"`)) };
      return tasks.map(() => failed);
    }
    const requests: Array<{ id: string; input: Json }> = [];
    const unresolved = new Map<number, TaskResult>();
    tasks.forEach((task, index) => {
      try {
        requests.push({ id: `${task.workflow}/${task.node}/${task.dispatch}`, input: dagTaskInput(task.parameters, task.input) });
      } catch (error) {
        unresolved.set(index, { status: 'failed', error: errorInfo(toFalcoError(error, `the input of "${task.node}"`)) });
      }
    });
    const invocations = createInvocations<Json, Json>(`task:${name}`, requests);
    await this.#executor.execute({ id: `task:${name}`, invocations }, deployment, this.#options.platform, { signal, ...(this.#options.events ? { events: this.#options.events } : {}) });
    const results = invocations.map((invocation): TaskResult => {
      const attempts = invocation.attempts.map((attempt) => ({ ...attempt }) as Json);
      if (invocation.status === 'succeeded') return { status: 'succeeded', output: invocation.output ?? {}, attempts };
      return { status: 'failed', error: invocation.error ?? { class: 'fatal', name: 'TaskError', message: `the invocation ended ${invocation.status}` }, attempts };
    });
    return tasks.map((_, index) => unresolved.get(index) ?? results.shift()!);
  }

  #deployment(name: string): Promise<Deployment> {
    let deployment = this.#deployed.get(name);
    if (!deployment) {
      deployment = this.#options.platform.deploy(this.#options.deployables[name]!);
      deployment.catch(() => this.#deployed.delete(name));
      this.#deployed.set(name, deployment);
    }
    return deployment;
  }
}
