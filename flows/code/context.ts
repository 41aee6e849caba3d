import { createHash } from 'node:crypto';
import type { Deployable } from '../../src/deployable.js';
import { deployableDigest } from '../../src/deployable-digest.js';
import type { FalcoEvent } from '../../stores/ports/event.js';
import type { EventFilter, Json } from '../../stores/ports/workspace.js';
import { inputsOf, type Files, type MapOptions } from '../futures/inputs.js';
import type { Chunk } from '../futures/partitioner.js';
import type { ReduceInput } from '../futures/reduce.js';
import type { Future, WaitOptions, WaitResult } from '../futures/types.js';
import type { Dispatcher } from './dispatcher.js';
import { eventTriggerSpec } from './dispatcher.js';
import { NonDeterminismError, WorkflowCodeError } from './errors.js';
import { SlotFuture } from './future.js';
import { asJson } from './json.js';
import type { CallOp, CallRecord } from './records.js';
import type { RunState } from './run-state.js';
import type { Workflow } from './workflow.js';

/** What `wait` takes in workflow code: a timeout is a durable timer, so there is no signal. */
export type CodeWaitOptions = Pick<WaitOptions, 'returnWhen' | 'timeoutMs'>;

/** A map's inputs in workflow code: values, one call each, or (for a function of `Chunk`) files to split into chunks of whole lines, one call per chunk. */
export type CodeMapInputs<I> = readonly I[] | (Chunk extends I ? Files : never);


/**
 * What workflow code may do. Every call is durable: it is keyed by its position in the code
 * (`A000`, `M001`, ...), sent through the event engine, and its result is kept in the run's log,
 * so a run replayed from the top gets the same answers at once. Code must be deterministic: take
 * time and chance from `now()` and `random()`, never from `Date.now()` or `Math.random()`, and
 * await only what `ctx` hands out.
 */
export interface WorkflowContext {
  readonly runId: string;
  /** Invokes the function once. */
  callAsync<I, O>(fn: Deployable<I, O>, input: NoInfer<I>): Future<O>;
  /**
   * Invokes the function once per input, all at once; `{ files }` splits the files into chunks of
   * whole lines (`chunkSize` bytes, or `chunkCount` per file), one call per chunk. The chunks are
   * the call's inputs: a file whose lines or size changed since they were logged is a `NonDeterminismError`.
   */
  map<I, O>(fn: Deployable<I, O>, inputs: CodeMapInputs<NoInfer<I>>, options?: MapOptions): Future<O>[];
  /** A map (its inputs as `map` takes them), then one call of `reduce` with `{ results }`: the map's outputs in order (the same `ReduceInput` as the futures'). A failed map call fails it. */
  mapReduce<I, O, R>(fn: Deployable<I, O>, inputs: CodeMapInputs<NoInfer<I>>, reduce: Deployable<ReduceInput<NoInfer<O>>, R>, options?: MapOptions): Future<R>;
  /** Waits until all, any, or a fraction of the futures have ended (`returnWhen`), or `timeoutMs` passed. */
  wait<O>(futures: readonly Future<O>[], options?: CodeWaitOptions): Promise<WaitResult<O>>;
  /** A store timer: the run may be suspended meanwhile, and wakes when it fires. */
  sleep(ms: number): Promise<void>;
  /** The time, as first seen by this run at this point of the code (ms since the epoch). */
  now(): number;
  /** A random number in [0, 1), the same on every replay. */
  random(): number;
  /** Resolves with the first event published to the run's workspace after this call that matches the filter. */
  waitForEvent(filter: EventFilter): Promise<FalcoEvent>;
  /** Runs another workflow as a child run (`<run>.<position>`); its output is the future's. */
  child<I, O>(workflow: Workflow<I, O>, input: NoInfer<I>): Future<O>;
}

const digests = new WeakMap<Deployable, Promise<string>>();

/** A deployable's digest, computed once per object. */
function digestOf(deployable: Deployable): Promise<string> {
  let digest = digests.get(deployable);
  if (!digest) digests.set(deployable, (digest = deployableDigest(deployable)));
  return digest;
}

function hashOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(value) ?? 'undefined').digest('hex')}`;
}

const OP_NAMES: Record<CallOp, string> = { invoke: 'calls a function', sleep: 'sleeps', event: 'waits for an event', child: 'runs a child workflow', value: 'draws now() or random()' };

/**
 * The context one activation of a coordinator hands the workflow's code. Positions are handed out
 * synchronously, in the order the code makes its calls, so they are the same on every replay.
 * Once the activation suspends, the context is closed: calls the abandoned code still makes do nothing.
 */
export class CodeContext implements WorkflowContext {
  readonly runId: string;
  /** The first call that broke determinism, or could not be sent: the activation fails with it, whatever the code did with it. */
  failure: unknown;
  readonly #state: RunState;
  readonly #dispatcher: Dispatcher;
  #next = 0;
  #closed = false;

  constructor(state: RunState, dispatcher: Dispatcher) {
    this.runId = state.run;
    this.#state = state;
    this.#dispatcher = dispatcher;
  }

  close(): void {
    this.#closed = true;
  }

  callAsync<I, O>(fn: Deployable<I, O>, input: NoInfer<I>): Future<O> {
    return this.#invokeAt<O>(this.#position('A'), fn, [input])[0]!;
  }

  map<I, O>(fn: Deployable<I, O>, inputs: CodeMapInputs<NoInfer<I>>, options: MapOptions = {}): Future<O>[] {
    const position = this.#position('M');
    return this.#invokeAt<O>(position, fn, mapItems(`${position}: map`, inputs, options), 'files' in inputs);
  }

  mapReduce<I, O, R>(fn: Deployable<I, O>, inputs: CodeMapInputs<NoInfer<I>>, reduce: Deployable<ReduceInput<NoInfer<O>>, R>, options: MapOptions = {}): Future<R> {
    const mapPosition = this.#position('R');
    const parts = this.#invokeAt<O>(mapPosition, fn, mapItems(`${mapPosition}: mapReduce`, inputs, options), 'files' in inputs);
    const position = this.#position('A');
    const slot = `${position}/0`;
    void (async () => {
      const settled = await Promise.all(parts.map((part) => part.settled()));
      const failed = settled.find((s) => s.status !== 'succeeded');
      if (this.#closed || this.#state.history.result(slot)) return;
      if (failed) {
        // Nothing to reduce: the reduce slot ends with the map's failure, logged, so a replay rethrows it at once.
        if (this.#state.history.call(position) === undefined) await this.#dispatcher.value({ kind: 'result', slot, epoch: this.#state.history.epochOf(slot), ok: false, error: failed.error });
        return;
      }
      const results = settled.map((s) => (s.status === 'succeeded' ? s.output : null));
      this.#invokeAt<R>(position, reduce, [{ results }]);
    })().catch((error: unknown) => this.#fail(error));
    return new SlotFuture<R>(this.#state, slot, Promise.resolve());
  }

  async wait<O>(futures: readonly Future<O>[], options: CodeWaitOptions = {}): Promise<WaitResult<O>> {
    const need = needed(futures.length, options.returnWhen ?? 'all');
    const slots = futures.map((future) => future.key);
    const ended = this.#state.waitFor(slots, need);
    if (options.timeoutMs !== undefined) await Promise.race([ended, this.sleep(options.timeoutMs)]);
    else await ended;
    this.#state.activity++;
    return { done: futures.filter((future) => future.done), notDone: futures.filter((future) => !future.done) };
  }

  async sleep(ms: number): Promise<void> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new WorkflowCodeError(`sleep(${String(ms)}): give a number of milliseconds, 0 or more`);
    const position = this.#position('S');
    const slot = `${position}/0`;
    const known = this.#state.history.call(position);
    if (known) {
      this.#check(position, known, 'sleep', {});
      // A timer whose record is logged may not have been set (a crash in between): set it again, under the same id.
      if (!this.#state.history.result(slot) && !this.#closed) void this.#dispatcher.timer(position, known.dueAt!, []).catch((error: unknown) => this.#fail(error));
    } else if (!this.#closed) {
      const dueAt = Date.now() + ms;
      void this.#dispatcher.timer(position, dueAt, [{ kind: 'call', position, op: 'sleep', dueAt }]).catch((error: unknown) => this.#fail(error));
    }
    await new SlotFuture<null>(this.#state, slot, Promise.resolve()).result();
  }

  now(): number {
    return this.#value('N', Date.now);
  }

  random(): number {
    return this.#value('X', Math.random);
  }

  async waitForEvent(filter: EventFilter): Promise<FalcoEvent> {
    if (filter === null || typeof filter !== 'object' || typeof filter.type !== 'string' || filter.type === '') {
      throw new WorkflowCodeError('waitForEvent needs a filter { type, subject?, match? } with a non-empty type');
    }
    const position = this.#position('E');
    const clean: EventFilter = { type: filter.type, ...(filter.subject === undefined ? {} : { subject: filter.subject }), ...(filter.match === undefined ? {} : { match: filter.match }) };
    const inputs = hashOf(clean);
    const known = this.#state.history.call(position);
    let sent = Promise.resolve();
    if (known) this.#check(position, known, 'event', { inputs });
    else if (!this.#closed) sent = this.#dispatcher.eventTrigger(position, eventTriggerSpec(this.runId, position, clean), [{ kind: 'call', position, op: 'event', inputs, filter: clean }]);
    sent.catch((error: unknown) => this.#fail(error));
    return new SlotFuture<FalcoEvent>(this.#state, `${position}/0`, sent).result();
  }

  child<I, O>(workflow: Workflow<I, O>, input: NoInfer<I>): Future<O> {
    const position = this.#position('C');
    const slot = `${position}/0`;
    const json = asJson(input, `${position}: the child's input`);
    const inputs = hashOf(json);
    const known = this.#state.history.call(position);
    let sent = Promise.resolve();
    if (known) this.#check(position, known, 'child', { target: workflow.name, inputs });
    else if (!this.#closed) {
      const record: CallRecord = { kind: 'call', position, op: 'child', target: workflow.name, inputs };
      sent = this.#dispatcher.child({ run: `${this.runId}.${position}`, workflow, input: json, parent: { run: this.runId, slot } }, [record]);
    }
    // A child logged but not ended may have lost its host with a crash: have it hosted again.
    if (known && !this.#state.history.result(slot) && !this.#closed) sent = this.#dispatcher.child({ run: `${this.runId}.${position}`, workflow, input: json, parent: { run: this.runId, slot } }, []);
    sent.catch((error: unknown) => this.#fail(error));
    return new SlotFuture<O>(this.#state, slot, sent);
  }

  #position(letter: string): string {
    this.#state.activity++;
    return `${letter}${String(this.#next++).padStart(3, '0')}`;
  }

  /** The futures of one position's calls: replayed from the log, or sent now. `chunked`: the inputs are chunks of files. */
  #invokeAt<O>(position: string, fn: Deployable, inputs: readonly unknown[], chunked = false): SlotFuture<O>[] {
    if (fn === null || typeof fn !== 'object' || typeof fn.runtime !== 'string') throw new WorkflowCodeError(`${position}: the function must be a deployable (deployable({ runtime, code, ... }))`);
    const json = inputs.map((input, index) => asJson(input, `${position}/${index}: the input`));
    const hash = hashOf(json);
    const known = this.#state.history.call(position);
    let verified: Promise<void>;
    if (known) {
      verified = this.#state.track(digestOf(fn)).then((digest) => this.#check(position, known, 'invoke', { target: digest, inputs: hash }, chunked));
      verified.then(() => this.#redispatch(position, fn, json), () => {});
    } else if (this.#closed) {
      verified = Promise.resolve();
    } else {
      // A reduce whose map a resume retried is new here but already in a later epoch. A slot with a
      // logged result is not sent again: its commands went out before a crash lost the call record.
      const calls = json
        .map((input, index) => ({ slot: `${position}/${index}`, deployable: fn, input, epoch: this.#state.history.epochOf(`${position}/${index}`) }))
        .filter((call) => this.#state.history.result(call.slot) === undefined);
      const retried = calls.filter((call) => call.epoch > 0);
      verified = this.#state.track(digestOf(fn)).then((digest) =>
        this.#dispatcher.invoke(calls, [
          { kind: 'call', position, op: 'invoke', target: digest, inputs: hash, count: json.length },
          ...retried.map((call) => ({ kind: 'dispatched', epoch: call.epoch, slots: [call.slot] }) as const),
        ]),
      );
    }
    verified.catch((error: unknown) => this.#fail(error));
    return json.map((_, index) => new SlotFuture<O>(this.#state, `${position}/${index}`, verified));
  }

  /** Sends again the slots a resume retries (their failures were forgotten), once per epoch. */
  #redispatch(position: string, fn: Deployable, inputs: readonly Json[]): void {
    if (this.#closed) return;
    const { history } = this.#state;
    const calls = inputs.flatMap((input, index) => {
      const slot = `${position}/${index}`;
      return history.result(slot) || history.dispatched(slot) ? [] : [{ slot, deployable: fn, input, epoch: history.epochOf(slot) }];
    });
    if (calls.length === 0) return;
    void this.#dispatcher.invoke(calls, [{ kind: 'dispatched', epoch: calls[0]!.epoch, slots: calls.map((call) => call.slot) }]).catch((error: unknown) => this.#fail(error));
  }

  #value(letter: string, draw: () => number): number {
    const position = this.#position(letter);
    const known = this.#state.history.call(position);
    if (known) {
      this.#check(position, known, 'value', {});
      return known.value!;
    }
    const value = draw();
    if (!this.#closed) void this.#dispatcher.value({ kind: 'call', position, op: 'value', value }).catch((error: unknown) => this.#fail(error));
    return value;
  }

  /** Throws (and remembers) a `NonDeterminismError` when the log's call at this position is another. */
  #check(position: string, known: CallRecord, op: CallOp, expected: { readonly target?: string; readonly inputs?: string }, chunked = false): void {
    let what: string | undefined;
    if (known.position !== position || known.op !== op) what = `the log says the code ${OP_NAMES[known.op]} there (${known.position}), but now it ${OP_NAMES[op]} (${position})`;
    else if (expected.target !== undefined && known.target !== expected.target) what = op === 'child' ? `the log ran workflow "${known.target}", the code now runs "${expected.target}"` : `the function changed (its digest was ${known.target}, now ${expected.target})`;
    else if (expected.inputs !== undefined && known.inputs !== expected.inputs) what = chunked ? 'the files split into other chunks than the ones logged: a file changed since the run began' : 'the input differs from the one logged';
    if (what === undefined) return;
    const error = new NonDeterminismError(position, what);
    this.#fail(error);
    throw error;
  }

  #fail(error: unknown): void {
    this.failure ??= error;
  }
}

/** A map's items, one per call: the list as given (empty too), or the chunks of `{ files }`; a `WorkflowCodeError` for anything else. */
function mapItems(owner: string, inputs: CodeMapInputs<unknown>, options: MapOptions): readonly unknown[] {
  if (inputs === null || typeof inputs !== 'object') throw new WorkflowCodeError(`${owner}: the inputs must be a list (one call per item) or { files } (one call per chunk of lines), not ${inputs === null ? 'null' : typeof inputs}`);
  // A list may be empty in workflow code: the map makes no call.
  return Array.isArray(inputs) && inputs.length === 0 && options.chunkSize === undefined && options.chunkCount === undefined ? [] : inputsOf(owner, inputs, options);
}

function needed(count: number, returnWhen: CodeWaitOptions['returnWhen']): number {
  if (returnWhen === 'always') return 0;
  if (returnWhen === 'any') return Math.min(1, count);
  if (returnWhen === 'all' || returnWhen === undefined) return count;
  if (typeof returnWhen !== 'number' || !(returnWhen > 0 && returnWhen <= 1)) {
    throw new WorkflowCodeError(`wait's returnWhen ${JSON.stringify(returnWhen)}: use "always", "any", "all" or a fraction 0 < f <= 1`);
  }
  return Math.ceil(returnWhen * count);
}
