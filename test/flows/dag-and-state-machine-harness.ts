import assert from 'node:assert/strict';
import { INVOCATION_FAILED, INVOCATION_SUCCEEDED, TriggerEngine, withBuilders, type InvokeCommand } from '../../flows/index.js';
import { after, before } from 'node:test';
import { createPlatform } from '../../platforms/index.js';
import { deployable, type Platform } from '../../src/index.js';
import { makeEvent, type Delivery, type EventInit, type FalcoEvent, type Json, type JsonObject, type Timer, type TriggerSpec } from '../../stores/index.js';

/** A function the harness runs for a command: returns the output, or throws for a failed invocation. */
export type Fn = (input: Json, command: InvokeCommand) => Json;

/**
 * Runs compiled triggers on the real engine with no store and no platform: each checkpoint's
 * events go back in; its commands are "invoked" by plain functions whose results come back as
 * the action worker's events; timers fire (in due order) whenever nothing else is left. It
 * checks the builders' logic event by event, deterministically.
 */
export class EngineHarness {
  readonly engine: TriggerEngine;
  readonly commands: InvokeCommand[] = [];
  readonly published: FalcoEvent[] = [];
  /** The most invocations ever asked for and not yet applied: what a Map's MaxConcurrency bounds. */
  maxInFlight = 0;
  #inFlight = 0;
  readonly #queue: FalcoEvent[] = [];
  readonly #timers = new Map<string, Timer>();
  readonly #functions: Record<string, Fn>;
  #entry = 0;

  readonly #twice: boolean;
  readonly #duplicate: (event: FalcoEvent) => boolean;
  readonly #redo: Record<string, Fn>;

  /**
   * `twice`: every invocation result is published twice, as an action worker that re-did a
   * command would. `redo`: after its result, a command is re-done by this function, and its (maybe
   * contradicting) result published after the first. `duplicate`: events the
   * triggers publish that go in twice.
   */
  constructor(
    triggers: readonly TriggerSpec[],
    functions: Record<string, Fn>,
    options: { readonly global?: JsonObject; readonly twice?: boolean; readonly redo?: Record<string, Fn>; readonly duplicate?: (event: FalcoEvent) => boolean } = {},
  ) {
    this.#duplicate = options.duplicate ?? (() => false);
    this.#redo = options.redo ?? {};
    this.engine = new TriggerEngine('ws', withBuilders());
    this.engine.load(triggers.map((spec) => ({ spec, context: spec.context ?? {}, fired: 0 })), options.global ?? {});
    this.#functions = functions;
    this.#twice = options.twice ?? false;
  }

  publish(event: EventInit<unknown>): this {
    this.#queue.push(makeEvent(event));
    return this;
  }

  /** Applies events one batch at a time (of up to `batch`) until a workflow end event, which it returns. */
  run(batch = 1): FalcoEvent {
    for (let steps = 0; steps < 100_000; steps++) {
      if (this.#queue.length === 0 && !this.#fireTimer()) break;
      const deliveries: Delivery[] = this.#queue.splice(0, batch).map((event) => ({ event, entryId: String(++this.#entry), deliveries: 1 }));
      this.#inFlight -= deliveries.filter((d) => d.event.type.startsWith('falco.invocation.') && !d.event.id.endsWith('/again')).length;
      const outcome = this.engine.apply(deliveries, 'g');
      assert.ok(outcome.checkpoint, `poisoned: ${outcome.poisoned?.reason}`);
      const { checkpoint } = outcome;
      this.published.push(...checkpoint.events);
      const end = checkpoint.events.find((event) => event.type.startsWith('falco.workflow.'));
      if (end) return end;
      for (const event of checkpoint.events) this.#queue.push(...(this.#duplicate(event) ? [event, event] : [event]));
      for (const id of checkpoint.timers?.cancel ?? []) this.#timers.delete(id);
      for (const timer of checkpoint.timers?.set ?? []) this.#timers.set(timer.id, timer);
      for (const command of checkpoint.commands) this.#invoke(command.data as InvokeCommand);
      this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    }
    assert.fail('the workflow never ended');
  }

  /** Timers in the order they fired. */
  readonly firedTimers: Timer[] = [];

  get retryTimers(): Timer[] {
    return this.firedTimers.filter((timer) => timer.event.type === 'falco.sm.retry');
  }

  #fireTimer(): boolean {
    const next = [...this.#timers.values()].sort((a, b) => a.dueAt - b.dueAt)[0];
    if (!next) return false;
    this.#timers.delete(next.id);
    this.firedTimers.push(next);
    this.#queue.push(next.event);
    return true;
  }

  #invoke(command: InvokeCommand): void {
    this.commands.push(command);
    this.#inFlight++;
    const fn = this.#functions[command.deployment!];
    assert.ok(fn, `no function for deployment ${command.deployment}`);
    const subject = `${command.workspace}/${command.trigger}/${command.key}`;
    const source = 'test/worker';
    const run = (f: Fn): FalcoEvent => {
      const id = `${command.idempotencyKey}/result`;
      try {
        return makeEvent({ id, source, type: INVOCATION_SUCCEEDED, subject, data: { output: f(command.input, command) } });
      } catch (error) {
        const { name, message } = error as Error;
        return makeEvent({ id, source, type: INVOCATION_FAILED, subject, data: { error: { class: 'function', name: 'FunctionError', message, type: name } } });
      }
    };
    const result = run(fn);
    this.#queue.push(...(this.#twice ? [result, { ...result, id: `${result.id}/again` }] : [result]));
    const redo = this.#redo[command.deployment!];
    if (redo) this.#queue.push({ ...run(redo), id: `${result.id}/again` });
  }
}

/** A platform that counts what is deployed and removed, and can announce each invoke, around a real one. */
export function watched(platform: Platform, onInvoke: () => void = () => {}): Platform & { readonly deployed: string[]; readonly removed: string[] } {
  const deployed: string[] = [];
  const removed: string[] = [];
  return {
    name: platform.name,
    deployed,
    removed,
    ...(platform.defaultCongestion ? { defaultCongestion: platform.defaultCongestion } : {}),
    async deploy(deployable, options) {
      const deployment = await platform.deploy(deployable, options);
      deployed.push(deployment.name);
      return deployment;
    },
    fetchDeployment: (name, options) => platform.fetchDeployment(name, options),
    invoke(deployment, input, options) {
      onInvoke();
      return platform.invoke(deployment, input, options);
    },
    async remove(deployment, options) {
      await platform.remove(deployment, options);
      removed.push(deployment.name);
    },
    close: () => platform.close(),
  };
}

/** The local platform for the enclosing suite (at most two instances a function), closed after it. Call inside `describe`. */
export function suiteLocalPlatform(): () => Platform {
  let platform: Platform | undefined;
  before(async () => {
    platform = await createPlatform('local', { maxInstances: 2 });
  });
  after(() => platform?.close());
  return () => platform!;
}

/** A function that sleeps for a minute: something to abort. */
export const sleeper = deployable({ runtime: 'nodejs:20', name: 'slow', timeoutMs: 120_000, code: { source: 'async function main() { await new Promise((r) => setTimeout(r, 60_000)); return {}; }' } });
