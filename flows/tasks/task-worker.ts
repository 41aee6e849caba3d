import { setMaxListeners } from 'node:events';
import { toFalcoError } from '../../src/errors.js';
import { errorInfo, type ErrorInfo } from '../../src/invocation.js';
import type { ConsumerOptions, Delivery, EventConsumer } from '../../stores/ports/event-stream.js';
import type { Json, WorkspaceStore } from '../../stores/ports/workspace.js';
import { ConsumerLoop, type LoopOptions } from '../triggers/consumer-loop.js';
import { failedEnd, issuesOf, START_TASK, startTaskData, taskStream, type EndTask, type StartTask } from './events.js';
import { taskError } from './effects.js';
import { EndReports, type EndReport } from './end-reports.js';
import { InFlight } from './in-flight.js';
import { DEFAULT_WORKFLOW_WORKSPACE } from './workflows.js';

/** What a task's code is told besides its input. */
export interface TaskContext {
  readonly workflow: string;
  readonly node: string;
  readonly kind: string;
  readonly parameters: Readonly<Record<string, Json>>;
  /** 1 the first time; more when a worker died holding the task and this one claimed it. */
  readonly deliveries: number;
  /** Aborted when the worker stops. */
  readonly signal: AbortSignal;
}

/**
 * A user's task kind. `input` checks the task's input (a zod schema, say): a task whose input does
 * not pass fails with the reason. Without it the input is handed over as it came.
 */
export interface TaskKind<I = Json, O extends Json = Json> {
  readonly input?: { parse(value: unknown): I };
  run(input: I, task: TaskContext): O | Promise<O>;
}

/** Types a task kind by its code: `taskKind({ input: z.object({ n: z.number() }), run: ({ n }) => ({ square: n * n }) })`. */
export function taskKind<I = Json, O extends Json = Json>(kind: TaskKind<I, O>): TaskKind<I, O> {
  return kind;
}

export type TaskResult = { readonly status: 'succeeded'; readonly output: Json; readonly attempts?: Json[] } | { readonly status: 'failed'; readonly error: ErrorInfo; readonly attempts?: Json[] };

/** Runs a batch of tasks of one kind at once (as `falcoTasks` does, through an executor); one result per task, in order. */
export interface TaskBatchKind {
  runBatch(tasks: ReadonlyArray<{ readonly task: StartTask; readonly deliveries: number }>, signal: AbortSignal): Promise<TaskResult[]>;
}

export interface TaskWorkerOptions extends LoopOptions {
  readonly store: WorkspaceStore;
  /** @default "falco-workflows" */
  readonly workspace?: string;
  /** The kinds this worker takes, by name: each read from its own stream (`tasks:<kind>`) through the group "falco-tasks". */
  readonly kinds: Readonly<Record<string, TaskKind | TaskBatchKind>>;
  /** This worker's consumer name, unique among workers of a kind; a restarted worker under the same name first re-reads what it held. @default "worker" */
  readonly consumer?: string;
  /**
   * A task not acknowledged this long is claimed by another worker (the holder died). @default 30000
   * Keep it above the longest task.
   */
  readonly visibilityTimeoutMs?: number;
  /** A task handed out this often without ending fails, with the reason, and goes to the dead-letter stream. @default 3 */
  readonly maxDeliveries?: number;
  /** Tasks of one kind run at once. @default 16 */
  readonly concurrency?: number;
}

export const TASK_GROUP = 'falco-tasks';

/** One kind a worker takes: its read loop, and the tasks in hand. */
interface KindLoop {
  readonly loop: ConsumerLoop;
  readonly inFlight: InFlight;
}

type Ended = Omit<EndTask, 'workflow' | 'node' | 'dispatch'>;

/**
 * Takes the start-task events of its kinds, runs them, and publishes each end-task (output or
 * error, timings, deliveries) to the service's event stream before acknowledging the start: a
 * worker that dies mid-task leaves it unacknowledged, and another worker claims it after the
 * visibility timeout. After `maxDeliveries` the task fails and its start goes to the dead letters.
 * Each task's end goes out as soon as it ends (a `TaskBatchKind`'s, when its batch does), and the
 * worker reads on while tasks run, up to `concurrency` of a kind in hand.
 */
export class TaskWorker {
  readonly workspace: string;
  readonly #options: TaskWorkerOptions;
  readonly #kinds: KindLoop[] = [];
  readonly #stopping = new AbortController();

  private constructor(options: TaskWorkerOptions) {
    this.workspace = options.workspace ?? DEFAULT_WORKFLOW_WORKSPACE;
    this.#options = options;
    // Every task in hand listens to the stop signal: more than ten of them are no leak.
    setMaxListeners(0, this.#stopping.signal);
  }

  static async start(options: TaskWorkerOptions): Promise<TaskWorker> {
    const worker = new TaskWorker(options);
    await options.store.createWorkspace(worker.workspace);
    const concurrency = options.concurrency ?? 16;
    for (const [kind, definition] of Object.entries(options.kinds)) {
      const inFlight = new InFlight(concurrency);
      const reports = new EndReports(options.store, worker.workspace, kind, () => loop.consumer);
      const loop: ConsumerLoop = new ConsumerLoop(
        await worker.#open(kind),
        { open: () => worker.#open(kind), handle: (deliveries) => worker.#handle(kind, definition, loop.consumer, inFlight, reports, deliveries), room: () => inFlight.room(worker.#stopping.signal) },
        { batchSize: concurrency, ...options },
      );
      worker.#kinds.push({ loop, inFlight });
    }
    return worker;
  }

  get done(): Promise<void> {
    return Promise.all(this.#kinds.map(({ loop }) => loop.done)).then(() => {});
  }

  /** Resolves once every kind's stream had nothing new and no task is in hand. */
  async whenIdle(): Promise<void> {
    await Promise.all(this.#kinds.map(async ({ loop, inFlight }) => {
      await loop.whenIdle();
      await inFlight.drained();
    }));
  }

  /** Stops: tasks in hand are aborted and left unacknowledged (another worker, or this one restarted, takes them again). */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await Promise.all(this.#kinds.map(async ({ loop, inFlight }) => {
      await inFlight.drained();
      await loop.stop();
    }));
  }

  #open(kind: string): Promise<EventConsumer> {
    const { store, consumer = 'worker', visibilityTimeoutMs = 30_000, maxDeliveries = 3 } = this.#options;
    // One delivery past the cap reaches this worker, which fails the task with the reason; the stream's own cap is the backstop.
    const options: ConsumerOptions & { start: '0' } = { visibilityTimeoutMs, maxDeliveries: maxDeliveries + 1, start: '0' };
    return store.stream(this.workspace, taskStream(kind)).consumer(TASK_GROUP, consumer, options);
  }

  /** Sorts a read out (dead letters, tasks given up on), and sets the rest running; returns without waiting for them. */
  async #handle(kind: string, definition: TaskKind | TaskBatchKind, consumer: EventConsumer, inFlight: InFlight, reports: EndReports, deliveries: Delivery[]): Promise<void> {
    const cap = this.#options.maxDeliveries ?? 3;
    const runnable: Array<{ delivery: Delivery; task: StartTask }> = [];
    const given: EndReport[] = [];
    for (const delivery of deliveries) {
      const parsed = delivery.event.type === START_TASK ? startTaskData.safeParse(delivery.event.data) : undefined;
      if (!parsed?.success) {
        await consumer.deadLetter([delivery], parsed ? `malformed start-task "${delivery.event.id}": ${issuesOf(parsed.error)}` : `not a start-task (type "${delivery.event.type}"; a task stream carries ${START_TASK})`);
        continue;
      }
      const task = parsed.data;
      if (task.kind !== kind) {
        await consumer.deadLetter([delivery], `start-task "${delivery.event.id}" is for kind "${task.kind}" and came on the stream of kind "${kind}"`);
      } else if (delivery.deliveries > cap) {
        const reason = `task "${task.node}" (${kind}) was handed to a worker ${delivery.deliveries - 1} times and never ended (cap ${cap}): each worker that took it died or stopped`;
        given.push({ delivery, deadLetter: reason, end: failedEnd(task, taskError(reason), { deliveries: delivery.deliveries - 1 }) });
      } else {
        runnable.push({ delivery, task });
      }
    }
    await reports.report(given);
    const signal = this.#stopping.signal;
    if (runnable.length === 0 || signal.aborted) return;
    const report = async (ran: ReadonlyArray<{ delivery: Delivery; task: StartTask }>, ends: ReadonlyArray<Ended | undefined>) => {
      await reports.report(ran.flatMap(({ delivery, task }, index) => (ends[index] ? [{ delivery, end: { ...ends[index]!, workflow: task.workflow, node: task.node, dispatch: task.dispatch } }] : [])));
    };
    const startedAt = Date.now();
    if ('runBatch' in definition) {
      inFlight.add(definition.runBatch(runnable.map(({ delivery, task }) => ({ task, deliveries: delivery.deliveries })), signal).then((results) => report(runnable, results.map((result, index) => endOf(result, runnable[index]!.delivery, startedAt, signal)))));
      return;
    }
    for (const one of runnable) inFlight.add(runOne(definition, one.task, one.delivery.deliveries, signal).then((result) => report([one], [endOf(result, one.delivery, startedAt, signal)])));
  }
}

/** A task's end (without its ids), or undefined for one the worker's stop cut short: it stays unacknowledged. */
function endOf(result: TaskResult | undefined, delivery: Delivery, startedAt: number, signal: AbortSignal): Ended | undefined {
  if (!result || signal.aborted) return undefined;
  const timing = { deliveries: delivery.deliveries, startedAt, endedAt: Date.now(), ...(result.attempts ? { attempts: result.attempts } : {}) };
  return result.status === 'succeeded' ? { status: 'succeeded', output: result.output, ...timing } : { status: 'failed', error: result.error, ...timing };
}

async function runOne(kind: TaskKind, task: StartTask, deliveries: number, signal: AbortSignal): Promise<TaskResult> {
  try {
    const input = kind.input ? kind.input.parse(task.input) : (task.input as never);
    const output = await kind.run(input, { workflow: task.workflow, node: task.node, kind: task.kind, parameters: task.parameters, deliveries, signal });
    return { status: 'succeeded', output: output === undefined ? {} : (JSON.parse(JSON.stringify(output)) as Json) };
  } catch (error) {
    return { status: 'failed', error: errorInfo(toFalcoError(error, `task "${task.node}" (${task.kind})`)) };
  }
}
