import type { z } from 'zod';
import type { EventInit, FalcoEvent } from '../../stores/ports/event.js';
import type { JsonObject, Timer, TriggerSpec } from '../../stores/ports/workspace.js';

/**
 * What a condition or action sees for one event. Conditions and actions are synchronous and
 * touch nothing outside what they are given: the engine applies a batch of events, then writes
 * every context change, every published event and every command in one atomic checkpoint. That is
 * what makes context updates exactly once per event; side effects happen through commands that
 * action workers carry out (at least once, each with an idempotency key).
 */
export interface TriggerCall<O> {
  readonly workspace: string;
  readonly trigger: TriggerSpec;
  readonly event: FalcoEvent;
  /**
   * The event's entry id in the workspace's event stream: the same on every redelivery, so ids and
   * keys derived from it (`<workspace>/<trigger>/<entryId>`) are stable when a batch is re-applied.
   */
  readonly entryId: string;
  /** The trigger's context: change it in place; the change is checkpointed with the event's ack. */
  readonly context: JsonObject;
  /** The workspace's global context, likewise. */
  readonly global: JsonObject;
  /** The trigger's options for this condition or action, as parsed by its schema. */
  readonly options: O;
}

export interface ActionCall<O> extends TriggerCall<O> {
  /** Appends an event to the workspace's event stream (chained triggers react to it). */
  publish(event: EventInit<unknown>): void;
  /** Appends a command (`falco.command.invoke`, ...) to the workspace's command stream. */
  command(event: EventInit<unknown>): void;
  /** Sets a timer: its event is published at `dueAt` unless cancelled first. */
  setTimer(timer: Timer): void;
  cancelTimer(id: string): void;
  /** Ends this trigger once the checkpoint is written, transient or not (as `terminate` does). */
  removeTrigger(): void;
}

/** A registered condition: decides whether the trigger fires for this event. */
export interface ConditionDefinition<O = unknown> {
  readonly name: string;
  /** Checks the trigger's `condition.options` when the trigger is added; its output is `options`. */
  readonly options: z.ZodType<O>;
  readonly test: (call: TriggerCall<O>) => boolean;
}

/** A registered action: what the trigger does when it fires. */
export interface ActionDefinition<O = unknown> {
  readonly name: string;
  readonly options: z.ZodType<O>;
  readonly run: (call: ActionCall<O>) => void;
}
