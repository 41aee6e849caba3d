import type { ConsumerOptions, Delivery, EventConsumer } from '../../stores/ports/event-stream.js';
import type { WorkspaceStore } from '../../stores/ports/workspace.js';
import { createRegistry } from './builtins.js';
import { ConsumerLoop, type LoopOptions } from './consumer-loop.js';
import { TriggerEngine } from './engine.js';
import type { Registry } from './registry.js';

/** Published to a workspace's event stream when its triggers change, so a running service reloads them in order. */
export const TRIGGERS_CHANGED_TYPE = 'falco.workspace.triggers.changed';

export interface TriggerServiceOptions extends LoopOptions {
  readonly store: WorkspaceStore;
  readonly workspace: string;
  /** Where the triggers' conditions and actions are found. @default createRegistry() */
  readonly registry?: Registry;
  /** The consumer group of the workspace's event stream. @default "falco-triggers" */
  readonly group?: string;
  /** This service's consumer name: a restarted service under the same name first re-reads what it held. @default "service" */
  readonly consumer?: string;
  readonly consumerOptions?: ConsumerOptions;
  /** Also reload the triggers from the store this often, for changes made without a CRUD call. @default 5000 */
  readonly refreshMs?: number;
}

/**
 * Runs a workspace's triggers: fires due timers, reads a batch of events through a consumer group,
 * applies it with the engine and commits one checkpoint (contexts, removals, new events and
 * commands, timers, and the batch's acks together). A malformed event, or one a condition or
 * action throws on, goes to the dead-letter stream with the reason; the others go on. Run one
 * service per workspace at a time.
 */
export class TriggerService {
  readonly workspace: string;
  readonly #store: WorkspaceStore;
  readonly #engine: TriggerEngine;
  readonly #group: string;
  readonly #refreshMs: number;
  #loadedAt = 0;
  readonly #consumerName: string;
  readonly #consumerOptions: ConsumerOptions;
  #loop!: ConsumerLoop;

  private constructor(options: TriggerServiceOptions) {
    this.workspace = options.workspace;
    this.#store = options.store;
    this.#engine = new TriggerEngine(options.workspace, options.registry ?? createRegistry());
    this.#group = options.group ?? 'falco-triggers';
    this.#refreshMs = options.refreshMs ?? 5_000;
    this.#consumerName = options.consumer ?? 'service';
    this.#consumerOptions = options.consumerOptions ?? {};
  }

  /** Loads the workspace's triggers (a `WorkspaceNotFoundError` if there is no such workspace) and starts the loop. */
  static async start(options: TriggerServiceOptions): Promise<TriggerService> {
    const service = new TriggerService(options);
    await service.#reload();
    service.#loop = new ConsumerLoop(
      await service.#open(),
      {
        open: () => service.#open(),
        beforeRead: () => service.#beforeRead(),
        handle: (deliveries) => service.#handle(deliveries),
        recover: () => service.#reload(),
      },
      options,
    );
    return service;
  }

  /** Resolves when the loop has ended (rejects if it failed for good). */
  get done(): Promise<void> {
    return this.#loop.done;
  }

  /** Finishes and commits the batch in hand, then stops. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Resolves once everything published before this call has been applied and committed. */
  whenIdle(): Promise<void> {
    return this.#loop.whenIdle();
  }

  #open(): Promise<EventConsumer> {
    return this.#store.events(this.workspace).consumer(this.#group, this.#consumerName, { ...this.#consumerOptions, start: '0' });
  }

  async #beforeRead(): Promise<void> {
    await this.#store.fireDueTimers(this.workspace, Date.now());
    if (Date.now() - this.#loadedAt >= this.#refreshMs) await this.#reload();
  }

  async #reload(): Promise<void> {
    const [records, global] = await Promise.all([this.#store.listTriggers(this.workspace), this.#store.getGlobal(this.workspace)]);
    this.#engine.load(records, global);
    this.#loadedAt = Date.now();
  }

  /** Applies the batch in segments that end at a triggers-changed event, reloading the triggers after each. */
  async #handle(deliveries: Delivery[]): Promise<void> {
    let start = 0;
    for (let i = 0; i < deliveries.length; i++) {
      if (deliveries[i]!.event?.type !== TRIGGERS_CHANGED_TYPE) continue;
      await this.#commit(deliveries.slice(start, i + 1));
      await this.#reload();
      start = i + 1;
    }
    if (start < deliveries.length) await this.#commit(start === 0 ? deliveries : deliveries.slice(start));
  }

  async #commit(deliveries: Delivery[]): Promise<void> {
    for (let pending = deliveries; ; ) {
      const outcome = this.#engine.apply(pending, this.#group);
      if (outcome.poisoned) {
        const { delivery, reason } = outcome.poisoned;
        await this.#loop.consumer.deadLetter([delivery], reason);
        await this.#reload();
        pending = pending.filter((d) => d !== delivery);
        continue;
      }
      for (const { delivery, reason } of outcome.malformed) await this.#loop.consumer.deadLetter([delivery], reason);
      await this.#store.commit(this.workspace, outcome.checkpoint);
      return;
    }
  }
}
