import { messageOf } from '../../src/errors.js';
import { makeEvent, type EventInit, type FalcoEvent } from '../../stores/ports/event.js';
import type { Delivery } from '../../stores/ports/event-stream.js';
import type { Checkpoint, JsonObject, Timer, TriggerRecord, TriggerSpec } from '../../stores/ports/workspace.js';
import { compareEntryIds } from './entry-id.js';
import type { Registry, ResolvedTrigger } from './registry.js';
import { TriggerIndex } from './trigger-index.js';
import type { ActionCall, TriggerCall } from './types.js';

/** A delivery the engine could not use, and why: it goes to the dead-letter stream. */
export interface Rejected {
  readonly delivery: Delivery;
  readonly reason: string;
}

/** What one batch did. */
export type BatchOutcome =
  /** Commit `checkpoint` (it acks every delivery but the malformed ones); dead-letter `malformed`. */
  | { readonly checkpoint: Checkpoint; readonly malformed: readonly Rejected[]; readonly poisoned?: undefined }
  /**
   * A condition or action threw on `poisoned`: the engine's state is part-applied, so load it again
   * from the store, dead-letter that delivery and apply the batch without it.
   */
  | { readonly poisoned: Rejected; readonly checkpoint?: undefined; readonly malformed?: undefined };

interface LiveTrigger {
  readonly order: number;
  readonly resolved: ResolvedTrigger;
  readonly spec: TriggerSpec;
  context: JsonObject;
  lastEntryId: string | undefined;
  fired: number;
  removed: boolean;
}

/**
 * Applies batches of events to a workspace's triggers, in memory, and says what to write: one
 * `Checkpoint` per batch. It never touches a store, so it is as fast as the conditions it runs;
 * the trigger service reads, applies and commits.
 */
export class TriggerEngine {
  readonly workspace: string;
  readonly #registry: Registry;
  #index = new TriggerIndex<LiveTrigger>();
  #triggers = new Map<string, LiveTrigger>();
  #global: JsonObject = {};

  constructor(workspace: string, registry: Registry) {
    this.workspace = workspace;
    this.#registry = registry;
  }

  /** Replaces the engine's state with the store's: every trigger checked against the registry. */
  load(records: readonly TriggerRecord[], global: JsonObject): void {
    const index = new TriggerIndex<LiveTrigger>();
    const triggers = new Map<string, LiveTrigger>();
    records.forEach((record, order) => {
      const live: LiveTrigger = {
        order,
        resolved: this.#registry.resolve(record.spec),
        spec: record.spec,
        context: record.context,
        lastEntryId: record.lastEntryId,
        fired: record.fired,
        removed: false,
      };
      triggers.set(record.spec.id, live);
      for (const filter of record.spec.activation) index.add(filter, live);
    });
    this.#index = index;
    this.#triggers = triggers;
    this.#global = global;
  }

  get size(): number {
    return this.#triggers.size;
  }

  /** Applies the deliveries in order; `group` is the consumer group whose acks the checkpoint carries. */
  apply(deliveries: readonly Delivery[], group: string): BatchOutcome {
    const batch = new Batch();
    for (const delivery of deliveries) {
      const problem = malformation(delivery.event);
      if (problem !== undefined) {
        batch.malformed.push({ delivery, reason: problem });
        continue;
      }
      batch.acks.push(delivery.entryId);
      const { event, entryId } = delivery;
      for (const trigger of this.#index.match(event.type, event.subject)) {
        if (trigger.removed || (trigger.lastEntryId !== undefined && compareEntryIds(entryId, trigger.lastEntryId) <= 0)) continue;
        try {
          this.#run(trigger, event, entryId, batch);
        } catch (error) {
          return { poisoned: { delivery, reason: `trigger "${trigger.spec.id}": ${messageOf(error)}` } };
        }
      }
    }
    for (const trigger of batch.removed) {
      this.#triggers.delete(trigger.spec.id);
      for (const filter of trigger.spec.activation) this.#index.remove(filter, trigger);
    }
    return { checkpoint: batch.checkpoint(group, this.#global), malformed: batch.malformed };
  }

  #run(trigger: LiveTrigger, event: FalcoEvent, entryId: string, batch: Batch): void {
    const { resolved } = trigger;
    const call: TriggerCall<unknown> = {
      workspace: this.workspace,
      trigger: trigger.spec,
      event,
      entryId,
      context: trigger.context,
      global: this.#global,
      options: resolved.conditionOptions,
    };
    let fires: boolean;
    try {
      fires = resolved.condition.test(call);
    } catch (error) {
      throw new Error(`condition "${resolved.condition.name}" threw on event "${event.id}": ${messageOf(error)}`, { cause: error });
    }
    trigger.lastEntryId = entryId;
    batch.touched.add(trigger);
    if (!fires) return;
    trigger.fired++;
    const firing = new Firing(call, resolved.actionOptions, batch);
    try {
      resolved.action.run(firing);
    } catch (error) {
      throw new Error(`action "${resolved.action.name}" threw on event "${event.id}": ${messageOf(error)}`, { cause: error });
    }
    if (firing.ends || trigger.spec.transient !== false) {
      trigger.removed = true;
      batch.removed.push(trigger);
    }
  }
}

/** What an action sees; what it does goes into the batch. */
class Firing implements ActionCall<unknown> {
  readonly workspace: string;
  readonly trigger: TriggerSpec;
  readonly event: FalcoEvent;
  readonly entryId: string;
  readonly context: JsonObject;
  readonly global: JsonObject;
  readonly options: unknown;
  readonly #batch: Batch;
  ends = false;

  constructor(call: TriggerCall<unknown>, options: unknown, batch: Batch) {
    this.workspace = call.workspace;
    this.trigger = call.trigger;
    this.event = call.event;
    this.entryId = call.entryId;
    this.context = call.context;
    this.global = call.global;
    this.options = options;
    this.#batch = batch;
  }

  publish(init: EventInit<unknown>): void {
    this.#batch.events.push(makeEvent(init));
  }

  command(init: EventInit<unknown>): void {
    this.#batch.commands.push(makeEvent(init));
  }

  setTimer(timer: Timer): void {
    this.#batch.timers.set(timer.id, timer);
  }

  cancelTimer(id: string): void {
    this.#batch.timers.set(id, null);
  }

  removeTrigger(): void {
    this.ends = true;
  }
}

/** What a batch collects as it goes. */
class Batch {
  readonly acks: string[] = [];
  readonly malformed: Rejected[] = [];
  readonly touched = new Set<LiveTrigger>();
  readonly removed: LiveTrigger[] = [];
  readonly events: FalcoEvent[] = [];
  readonly commands: FalcoEvent[] = [];
  /** The last word on each timer id: set (a timer) or cancelled (null). */
  readonly timers = new Map<string, Timer | null>();

  checkpoint(group: string, global: JsonObject): Checkpoint {
    const triggers: TriggerRecord[] = [];
    for (const trigger of this.touched) {
      if (trigger.removed) continue;
      const record = { spec: trigger.spec, context: trigger.context, fired: trigger.fired };
      triggers.push(trigger.lastEntryId === undefined ? record : { ...record, lastEntryId: trigger.lastEntryId });
    }
    const set: Timer[] = [];
    const cancel: string[] = [];
    for (const [id, timer] of this.timers) {
      if (timer) set.push(timer);
      else cancel.push(id);
    }
    return {
      triggers,
      removed: this.removed.map((trigger) => trigger.spec.id),
      ...(this.touched.size > 0 ? { global } : {}),
      ack: { group, entryIds: this.acks },
      events: this.events,
      commands: this.commands,
      ...(this.timers.size > 0 ? { timers: { set, cancel } } : {}),
    };
  }
}

/** Why an entry is not an event falco can apply, or undefined when it is one. */
function malformation(event: FalcoEvent | undefined): string | undefined {
  if (event === null || typeof event !== 'object') return 'the entry holds no event';
  if (event.specversion !== '1.0') return `the event's specversion is ${JSON.stringify(event.specversion)}: falco reads CloudEvents 1.0`;
  for (const name of ['id', 'source', 'type'] as const) {
    if (typeof event[name] !== 'string' || event[name].length === 0) return `the event has no "${name}": every CloudEvent needs id, source, type`;
  }
  if (event.subject !== undefined && typeof event.subject !== 'string') return 'the event\'s subject is not a string';
  return undefined;
}
