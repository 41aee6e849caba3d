import { randomUUID } from 'node:crypto';
import type { Deployable } from '../../src/deployable.js';
import { makeEvent, type FalcoEvent } from '../../stores/ports/event.js';
import type { Json, Timer, TriggerSpec, WorkspaceStore } from '../../stores/ports/workspace.js';
import { INVOKE_COMMAND_TYPE, type InvokeCommand } from '../triggers/commands.js';
import type { Registry } from '../triggers/registry.js';
import { TRIGGERS_CHANGED_TYPE } from '../triggers/service.js';
import { toSpec } from './deployable-spec.js';
import { EVENT_MATCHED, slotSubject, TIMER_FIRED } from './events.js';
import type { CodeRecord } from './records.js';
import type { RunState } from './run-state.js';
import type { AnyWorkflow } from './workflow.js';

/** Starts a child run (its log, its workspace) and has it hosted; resolves once it is durable. */
export type ChildStarter = (child: { readonly run: string; readonly workflow: AnyWorkflow; readonly input: Json; readonly parent: { readonly run: string; readonly slot: string } }) => Promise<void>;

/** The source of what the coordinator sends. */
const SOURCE = (run: string) => `/falco/workflows/${run}/coordinator`;

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((yes, no) => ((resolve = yes), (reject = no)));
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** One slot to invoke: its function, input and epoch. */
export interface SlotCall {
  readonly slot: string;
  readonly deployable: Deployable;
  readonly input: Json;
  readonly epoch: number;
}

/**
 * Sends what the coordinator's calls ask for, batched per turn of the event loop: the records that
 * must come first (values drawn, which later inputs may depend on), then the commands and timers
 * in one store checkpoint, the triggers, the child runs, and last the records that say it was
 * sent. A crash before those records makes the replay send again (the ids are the same, so
 * timers and triggers are replaced, and an invocation runs again only if it was in flight).
 */
export class Dispatcher {
  readonly #state: RunState;
  readonly #store: WorkspaceStore;
  readonly #registry: Registry;
  readonly #startChild: ChildStarter | undefined;
  #before: CodeRecord[] = [];
  #calls: SlotCall[] = [];
  #timers: Timer[] = [];
  #triggers: TriggerSpec[] = [];
  #children: Parameters<ChildStarter>[0][] = [];
  #after: CodeRecord[] = [];
  #waiting: Deferred[] = [];
  #chain: Promise<void> = Promise.resolve();
  #queued = false;
  #busy = 0;

  constructor(state: RunState, store: WorkspaceStore, registry: Registry, startChild?: ChildStarter) {
    this.#state = state;
    this.#store = store;
    this.#registry = registry;
    this.#startChild = startChild;
  }

  /** Whether anything is queued or being sent. */
  get busy(): boolean {
    return this.#queued || this.#busy > 0;
  }

  /** Resolves once everything queued so far has been sent (rejects if sending failed). */
  idle(): Promise<void> {
    return this.#chain;
  }

  /** A record to log before this turn's effects. */
  value(record: CodeRecord): Promise<void> {
    this.#before.push(record);
    return this.#kick();
  }

  invoke(calls: readonly SlotCall[], records: readonly CodeRecord[]): Promise<void> {
    this.#calls.push(...calls);
    this.#after.push(...records);
    return this.#kick();
  }

  timer(position: string, dueAt: number, records: readonly CodeRecord[]): Promise<void> {
    const slot = `${position}/0`;
    const run = this.#state.run;
    this.#timers.push({ id: `${run}/${position}/timer`, dueAt, event: makeEvent({ id: `${run}/${slot}/timer`, source: SOURCE(run), type: TIMER_FIRED, subject: slotSubject(run, slot, 0), data: { dueAt } }) });
    this.#after.push(...records);
    return this.#kick();
  }

  /** Puts the trigger that turns the first event matching `trigger`'s activation into the slot's end. */
  eventTrigger(position: string, spec: TriggerSpec, records: readonly CodeRecord[]): Promise<void> {
    this.#triggers.push(spec);
    this.#after.push(...records);
    return this.#kick();
  }

  child(child: Parameters<ChildStarter>[0], records: readonly CodeRecord[]): Promise<void> {
    this.#children.push(child);
    this.#after.push(...records);
    return this.#kick();
  }

  #kick(): Promise<void> {
    const done = deferred();
    this.#waiting.push(done);
    if (!this.#queued) {
      this.#queued = true;
      this.#chain = this.#chain.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => this.#flush());
      this.#chain.catch(() => {});
    }
    return done.promise;
  }

  async #flush(): Promise<void> {
    this.#queued = false;
    this.#busy++;
    const before = this.#before, calls = this.#calls, timers = this.#timers, triggers = this.#triggers, children = this.#children, after = this.#after, waiting = this.#waiting;
    this.#before = [], this.#calls = [], this.#timers = [], this.#triggers = [], this.#children = [], this.#after = [], this.#waiting = [];
    try {
      await this.#state.record(before);
      const commands = await Promise.all(calls.map((call) => this.#command(call)));
      if (commands.length > 0 || timers.length > 0) {
        await this.#store.commit(this.#state.run, { triggers: [], removed: [], events: [], commands, timers: { set: timers, cancel: [] } });
      }
      if (triggers.length > 0) await putTriggers(this.#store, this.#registry, this.#state.run, triggers);
      for (const child of children) {
        if (!this.#startChild) throw new Error(`${child.parent.slot}: child workflows need a workflow worker to host them (run the workflow with runCodeWorkflow or WorkflowWorker)`);
        await this.#startChild(child);
      }
      await this.#state.record(after);
      for (const done of waiting) done.resolve();
    } catch (error) {
      for (const done of waiting) done.reject(error);
      throw error;
    } finally {
      this.#busy--;
    }
  }

  async #command(call: SlotCall): Promise<FalcoEvent> {
    const run = this.#state.run;
    const idempotencyKey = slotSubject(run, call.slot, call.epoch);
    const data: InvokeCommand = {
      deployable: toSpec(call.deployable, call.slot),
      workspace: run,
      trigger: 'coordinator',
      key: call.slot,
      idempotencyKey,
      input: withIdempotencyKey(call.input, idempotencyKey),
      reportTo: run,
    };
    return makeEvent({ id: idempotencyKey, source: SOURCE(run), type: INVOKE_COMMAND_TYPE, subject: idempotencyKey, data });
  }
}

/** An object input gets `idempotencyKey` (`<run>/<position>/<index>`), so the function can act once per call. */
function withIdempotencyKey(input: Json, key: string): Json {
  return input !== null && typeof input === 'object' && !Array.isArray(input) ? { ...input, idempotencyKey: key } : input;
}

/**
 * Puts triggers and publishes the triggers-changed event (as `Workspaces.addTriggers` does), under
 * an id of our own: the coordinator reads its inbox up to it to know which events the new
 * triggers will see. Returns that id.
 */
export async function putTriggers(store: WorkspaceStore, registry: Registry, run: string, specs: readonly TriggerSpec[]): Promise<string> {
  for (const spec of specs) registry.resolve(spec);
  await store.putTriggers(run, specs);
  const id = `${run}/triggers/${randomUUID()}`;
  await store.events(run).publish([makeEvent({ id, source: SOURCE(run), type: TRIGGERS_CHANGED_TYPE, subject: run, data: { triggers: specs.map((spec) => spec.id) } })]);
  return id;
}

/** The trigger a `waitForEvent` puts: the first matching event is published again as the slot's end. */
export function eventTriggerSpec(run: string, position: string, filter: TriggerSpec['activation'][number]): TriggerSpec {
  const slot = `${position}/0`;
  return {
    id: `event:${position}`,
    activation: [filter],
    condition: { name: 'true' },
    action: { name: 'publish', options: { type: EVENT_MATCHED, subject: slotSubject(run, slot, 0), id: `${run}/${slot}/event`, data: '{{event}}' } },
    transient: true,
  };
}
