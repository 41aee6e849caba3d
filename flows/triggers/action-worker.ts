import { ConcurrentExecutor } from '../../executors/index.js';
import { EventBus, type FalcoEvents } from '../../src/events.js';
import { toFalcoError } from '../../src/errors.js';
import type { Executor } from '../../src/executor.js';
import { createInvocations, errorInfo, type Invocation } from '../../src/invocation.js';
import type { Deployable } from '../../src/deployable.js';
import type { Deployment, Platform } from '../../src/platform.js';
import { makeEvent, type FalcoEvent } from '../../stores/ports/event.js';
import { STREAM_DEFAULTS, type ConsumerOptions, type Delivery, type EventConsumer } from '../../stores/ports/event-stream.js';
import type { WorkspaceStore } from '../../stores/ports/workspace.js';
import { INVOCATION_FAILED, INVOCATION_SUCCEEDED, INVOKE_COMMAND_TYPE, invokeCommand, toDeployable, type InvokeCommand } from './commands.js';
import { ConsumerLoop, type LoopOptions } from './consumer-loop.js';
import { DeliveryCapError, DeploymentNotKnownError } from './errors.js';

export interface ActionWorkerOptions extends LoopOptions {
  readonly store: WorkspaceStore;
  readonly workspace: string;
  readonly platform: Platform;
  /** How a batch of invocations is pushed through (retries, congestion control). @default new ConcurrentExecutor() */
  readonly executor?: Executor;
  /**
   * Functions `invoke` may name (`{ deployment: "name" }`): a deployment, or a deployable this worker
   * deploys when a command first names it (and removes on stop). Other names are looked up on the platform.
   */
  readonly deployments?: Readonly<Record<string, Deployment | Deployable>>;
  /** @default "falco-actions" */
  readonly group?: string;
  /** @default "worker" */
  readonly consumer?: string;
  readonly consumerOptions?: ConsumerOptions;
  /** Commands running at once; past this, the worker reads no more until some have ended. @default 10000 */
  readonly maxInFlight?: number;
}

interface Job {
  readonly delivery: Delivery;
  readonly command: InvokeCommand;
}

/** The id of the event that reports how the invocation with this idempotency key ended: the same every time it is re-done. */
export function resultEventId(idempotencyKey: string): string {
  return `${idempotencyKey}/result`;
}

/** How many idempotency keys of reported commands a worker remembers, to acknowledge a later copy of one without running it. */
const REMEMBERED_KEYS = 100_000;

/**
 * Carries out the commands `invoke` actions append to a workspace's command stream: deploys each
 * function once (reused; removed on stop), invokes through an executor and the platform, then
 * publishes `falco.invocation.succeeded|failed` and acknowledges the command in one checkpoint of
 * the workspace, so a crash leaves both or neither and a call whose result is out never runs again.
 * (A result reported to another workspace is published there first, then the command acknowledged:
 * a crash in between runs the call again.) A command re-done after a crash yields an event with the
 * same id; copies of a command (the same idempotency key) read while it runs, or after it was
 * reported, are acknowledged with it and not run.
 */
export class ActionWorker {
  /** The executor's events (attempts, retries, ends): attach observers and record writers here. */
  readonly events = new EventBus<FalcoEvents>();
  readonly workspace: string;
  readonly #options: ActionWorkerOptions;
  readonly #executor: Executor;
  /** Deployments this worker made, by the deployable they came from. */
  readonly #deployed = new Map<string, Promise<Deployment>>();
  #loop!: ConsumerLoop;
  #closed: Promise<void> | undefined;
  /** Batches whose invocations are running: the loop reads on meanwhile, so a slow call never holds back the commands after it. */
  readonly #running = new Set<Promise<void>>();
  /** Idempotency keys of the commands running, each with the entries of its copies handed out meanwhile: acknowledged with it, not run. */
  readonly #inFlight = new Map<string, Set<string>>();
  /** Idempotency keys of the commands reported lately, oldest first. */
  readonly #reported = new Set<string>();
  #stopping = false;

  private constructor(options: ActionWorkerOptions) {
    this.workspace = options.workspace;
    this.#options = options;
    this.#executor = options.executor ?? new ConcurrentExecutor();
  }

  static async start(options: ActionWorkerOptions): Promise<ActionWorker> {
    const worker = new ActionWorker(options);
    worker.#loop = new ConsumerLoop(await worker.#open(), { open: () => worker.#open(), handle: (deliveries) => worker.#handle(deliveries) }, options);
    return worker;
  }

  get done(): Promise<void> {
    return this.#loop.done;
  }

  /** Resolves once a read found nothing new and every command read before has ended. */
  async whenIdle(): Promise<void> {
    await this.#loop.whenIdle();
    while (this.#running.size > 0) await Promise.allSettled(this.#running);
  }

  /** Lets the commands running end (or the signal abort them), then stops reading and removes the functions this worker deployed. */
  stop(): Promise<void> {
    this.#stopping = true;
    this.#closed ??= (async () => {
      while (this.#running.size > 0) await Promise.allSettled(this.#running);
      await this.#loop.stop();
    })().finally(() => this.#removeDeployed());
    return this.#closed;
  }

  #open(): Promise<EventConsumer> {
    const { store, workspace, consumer = 'worker', consumerOptions } = this.#options;
    // One delivery past the cap reaches this worker, which reports the command failed and dead-letters it; the stream's own cap is the backstop.
    return store.commands(workspace).consumer(this.#group, consumer, { ...consumerOptions, maxDeliveries: this.#cap + 1, start: '0' });
  }

  get #group(): string {
    return this.#options.group ?? 'falco-actions';
  }

  get #cap(): number {
    return this.#options.consumerOptions?.maxDeliveries ?? STREAM_DEFAULTS.maxDeliveries;
  }

  async #handle(deliveries: Delivery[]): Promise<void> {
    // Read while stopping, left unacknowledged: they run when the worker starts again.
    if (this.#stopping) return;
    while (this.#inFlight.size >= (this.#options.maxInFlight ?? 10_000)) await Promise.race(this.#running);
    const consumer = this.#loop.consumer;
    const byTarget = new Map<string, Job[]>();
    const keys = new Set<string>();
    const duplicates: string[] = [];
    for (const delivery of deliveries) {
      const problem = delivery.event.type === INVOKE_COMMAND_TYPE ? undefined : `not a command an action worker runs (type "${delivery.event.type}"; expected ${INVOKE_COMMAND_TYPE})`;
      const parsed = problem === undefined ? invokeCommand.safeParse(delivery.event.data) : undefined;
      if (!parsed?.success) {
        await consumer.deadLetter([delivery], problem ?? `malformed invoke command: ${parsed?.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`);
        continue;
      }
      const command = parsed.data;
      const running = this.#inFlight.get(command.idempotencyKey);
      if (running) {
        running.add(delivery.entryId);
        continue;
      }
      if (this.#reported.has(command.idempotencyKey)) {
        duplicates.push(delivery.entryId);
        continue;
      }
      if (delivery.deliveries > this.#cap) {
        await this.#giveUp({ delivery, command }, `handed out ${delivery.deliveries - 1} times and never finished (cap ${this.#cap}): the action worker running it stopped each time (a crash, a kill, or a function that takes it down)`);
        continue;
      }
      if (keys.has(command.idempotencyKey)) {
        duplicates.push(delivery.entryId);
        continue;
      }
      keys.add(command.idempotencyKey);
      const target = command.deployable ? `deployable:${JSON.stringify(command.deployable)}` : `deployment:${command.deployment}`;
      byTarget.set(target, [...(byTarget.get(target) ?? []), { delivery, command }]);
    }
    await consumer.ack(duplicates);
    for (const key of keys) this.#inFlight.set(key, new Set());
    // Each function's results go out as soon as its invocations end: a slow function does not hold back a fast one's.
    for (const jobs of byTarget.values()) {
      const running: Promise<void> = this.#run(jobs)
        .then((finished) => this.#report(finished))
        .catch((error: unknown) => (this.#options.onError ?? ((e) => process.emitWarning(`falco: action worker ${this.workspace}: ${String(e)}`)))(error))
        .finally(() => {
          this.#running.delete(running);
          for (const job of jobs) this.#inFlight.delete(job.command.idempotencyKey);
        });
      this.#running.add(running);
    }
  }

  /** Reports a command that keeps taking its worker down as failed, so whatever waits for it sees why, and moves it to the dead letters. */
  async #giveUp(job: Job, reason: string): Promise<void> {
    const error = errorInfo(new DeliveryCapError(`invoke ${job.command.idempotencyKey}: ${reason}`));
    await this.#options.store.events(job.command.reportTo).publish([resultEvent(job.command, { status: 'failed', error }, { deliveries: job.delivery.deliveries - 1 })]);
    await this.#loop.consumer.deadLetter([job.delivery], reason);
  }

  /** Publishes the result events and acknowledges their commands (and the copies read meanwhile): in one checkpoint for this worker's own workspace. */
  async #report(finished: readonly { job: Job; event: FalcoEvent }[]): Promise<void> {
    const byWorkspace = new Map<string, { job: Job; event: FalcoEvent }[]>();
    for (const item of finished) byWorkspace.set(item.job.command.reportTo, [...(byWorkspace.get(item.job.command.reportTo) ?? []), item]);
    const { store } = this.#options;
    for (const [workspace, reported] of byWorkspace) {
      const events = reported.map(({ event }) => event);
      const entryIds = reported.flatMap(({ job }) => [job.delivery.entryId, ...(this.#inFlight.get(job.command.idempotencyKey) ?? [])]);
      if (workspace === this.workspace) {
        await store.commit(workspace, { triggers: [], removed: [], acks: [{ stream: 'commands', group: this.#group, entryIds }], events, commands: [] });
      } else {
        await store.events(workspace).publish(events);
        await this.#loop.consumer.ack(entryIds);
      }
      for (const { job } of reported) this.#remember(job.command.idempotencyKey);
    }
  }

  #remember(key: string): void {
    this.#reported.add(key);
    if (this.#reported.size > REMEMBERED_KEYS) this.#reported.delete(this.#reported.values().next().value!);
  }

  /** Runs one target's jobs as one phase; an invocation the worker's stop aborted gets no event and stays unacknowledged. */
  async #run(jobs: Job[]): Promise<{ job: Job; event: FalcoEvent }[]> {
    let deployment: Deployment;
    try {
      deployment = await this.#deployment(jobs[0]!.command);
    } catch (error) {
      const info = errorInfo(toFalcoError(error, 'deploying the function to invoke'));
      return jobs.map((job) => ({ job, event: resultEvent(job.command, { status: 'failed', error: info }) }));
    }
    const invocations = createInvocations(
      'actions',
      jobs.map((job) => ({ id: job.command.idempotencyKey, input: job.command.input })),
    );
    const { signal } = this.#options;
    await this.#executor.execute({ id: 'actions', invocations }, deployment, this.#options.platform, { events: this.events, ...(signal ? { signal } : {}) });
    return invocations.flatMap((invocation, index) => (invocation.status === 'aborted' || invocation.status === 'pending' ? [] : [{ job: jobs[index]!, event: resultEvent(jobs[index]!.command, invocation) }]));
  }

  #deployment(command: InvokeCommand): Promise<Deployment> {
    if (command.deployable) return this.#deployOnce(`deployable:${JSON.stringify(command.deployable)}`, () => toDeployable(command.deployable!));
    const name = command.deployment!;
    const known = this.#options.deployments?.[name];
    if (known && 'code' in known) return this.#deployOnce(`name:${name}`, () => known);
    if (known) return Promise.resolve(known);
    return this.#options.platform.fetchDeployment(name).then((found) => {
      if (!found) throw new DeploymentNotKnownError(`no deployment named "${name}" on platform "${this.#options.platform.name}": deploy it first, or pass it in ActionWorker's deployments`);
      return found;
    });
  }

  #deployOnce(key: string, make: () => Deployable): Promise<Deployment> {
    let deployment = this.#deployed.get(key);
    if (!deployment) {
      deployment = Promise.resolve().then(() => this.#options.platform.deploy(make()));
      deployment.catch(() => this.#deployed.delete(key));
      this.#deployed.set(key, deployment);
    }
    return deployment;
  }

  async #removeDeployed(): Promise<void> {
    const deployed = await Promise.allSettled(this.#deployed.values());
    this.#deployed.clear();
    for (const outcome of deployed) {
      if (outcome.status === 'fulfilled') await this.#options.platform.remove(outcome.value).catch((error: unknown) => process.emitWarning(`falco: removing "${outcome.value.name}" failed: ${String(error)}`));
    }
  }
}

/** The event that reports how a command ended; `deliveries` (how often it was handed out) for one the delivery cap gave up. */
function resultEvent(command: InvokeCommand, outcome: Pick<Invocation, 'status' | 'output' | 'error'> & { attempts?: Invocation['attempts'] }, givenUp?: { deliveries: number }): FalcoEvent {
  const succeeded = outcome.status === 'succeeded';
  return makeEvent({
    id: resultEventId(command.idempotencyKey),
    source: `/falco/workspaces/${command.workspace}/action-worker`,
    type: succeeded ? INVOCATION_SUCCEEDED : INVOCATION_FAILED,
    subject: command.idempotencyKey,
    data: {
      workspace: command.workspace,
      trigger: command.trigger,
      key: command.key,
      idempotencyKey: command.idempotencyKey,
      ...(succeeded ? { output: outcome.output ?? null } : { error: outcome.error ?? null }),
      attempts: outcome.attempts?.length ?? 0,
      ...givenUp,
    },
  });
}
