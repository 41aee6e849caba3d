import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Span } from '@opentelemetry/api';
import { ConfigError, PlanError } from '../../src/errors.js';
import { MemoryStateManager } from '../../stores/state/memory.js';
import { EventBus } from '../../src/events.js';
import { findNonJsonValue } from '../../src/json.js';
import type { PipelineDefinition } from './definition.js';
import { PipelineStoppedError } from './errors.js';
import { errorOf, finishStopped, settled } from './finish.js';
import { requestEvent, signerOf, type EventForwarding } from './forwarding.js';
import { functionInvoker, installForwarding, isFunctionForwarding, type FunctionForwarding } from './function-forwarding.js';
import { FINAL_STATES, RequestLedger, type RequestStatus } from './ledger.js';
import type { ControlOptions, PipelineOptions, PipelineResult, RunOptions, SubmitOptions } from './pipeline.js';
import type { PipelineRequest } from './request.js';
import { PhaseRunner, type Forward } from './runner.js';
import type { Json } from './steps.js';
import { traceparentOf, tracerOf } from './tracing.js';
import { PipelineWorker } from './worker.js';

/** How often `run()` looks at the state store for a request another process may end. */
const POLL_MS = 50;

interface Waiter {
  readonly settled: (status: RequestStatus, localError?: Error) => void;
  readonly failed: (error: unknown) => void;
}

/** A request running in this process without an event stream: its runner, which `resume` forwards to. */
interface LocalSession {
  readonly forward: Forward;
}

/**
 * The requests of one pipeline (shared by every pipeline a `pipeline(name)` chain builds): the default
 * in-process state store, the runners working here, and whoever waits for a request to end.
 */
export class PipelineRequests {
  readonly #state = new MemoryStateManager();
  readonly #runners = new Set<PhaseRunner>();
  readonly #sessions = new Map<string, LocalSession>();
  readonly #waiters = new Map<string, Waiter>();

  async run(definition: PipelineDefinition, input: Json, options: RunOptions): Promise<PipelineResult<Json>> {
    const ledger = this.#ledger(options);
    if (options.forwarding && isFunctionForwarding(options.forwarding)) {
      // Every phase runs in the pipeline's function: this process only waits for the status to settle.
      const requestId = await this.submit(definition, input, options);
      const { status } = await this.#wait(definition, requestId, ledger, new Promise<never>(() => {}), options);
      if (status.state !== 'succeeded') throw errorOf(status);
      return { output: status.output ?? null, requestId };
    }
    const requestId = options.requestId ?? randomUUID();
    const span = tracerOf(options.tracerProvider).startSpan('falco.pipeline.request', { attributes: { 'falco.pipeline': definition.name, 'falco.pipeline.request_id': requestId } });
    const { runner, forward } = this.#runner(definition, options, ledger);
    let worker: PipelineWorker | undefined;
    const ended = this.#ended(requestId);
    try {
      await runner.deployAll();
      if (options.forwarding) worker = await PipelineWorker.start(definition.name, eventForwarding(options.forwarding, definition), runner);
      else this.#sessions.set(requestId, { forward });
      await this.#start(definition, input, { ...options, requestId }, ledger, forward, span);
      const { status, localError } = await this.#wait(definition, requestId, ledger, ended, options);
      if (status.state !== 'succeeded') throw errorOf(status, localError);
      return { output: status.output ?? null, requestId };
    } finally {
      this.#waiters.delete(requestId);
      this.#sessions.delete(requestId);
      await worker?.stop();
      await this.#close(runner);
      span.end();
    }
  }

  async submit(definition: PipelineDefinition, input: Json, options: SubmitOptions): Promise<string> {
    const ledger = this.#ledger(options);
    const requestId = options.requestId ?? randomUUID();
    const span = tracerOf(options.tracerProvider).startSpan('falco.pipeline.request', { attributes: { 'falco.pipeline': definition.name, 'falco.pipeline.request_id': requestId } });
    try {
      if (options.forwarding && isFunctionForwarding(options.forwarding)) {
        if (!options.state) throw new ConfigError(`pipeline "${definition.name}": submitting to the pipeline's function needs options.state: the state store its function opens (the same file: directory or Redis)`);
        await installForwarding(options.forwarding, definition.name);
      }
      if (options.forwarding) {
        await this.#start(definition, input, { ...options, requestId }, ledger, publisher(options.forwarding), span);
        return requestId;
      }
      // No stream: the request runs here, in the background, and its runner goes when it ends.
      const { runner, forward } = this.#runner(definition, options, ledger);
      const ended = this.#ended(requestId);
      try {
        await runner.deployAll();
        this.#sessions.set(requestId, { forward });
        await this.#start(definition, input, { ...options, requestId }, ledger, forward, span);
      } catch (error) {
        this.#waiters.delete(requestId);
        this.#sessions.delete(requestId);
        await this.#close(runner);
        throw error;
      }
      void ended
        .catch(() => {})
        .finally(() => {
          this.#waiters.delete(requestId);
          this.#sessions.delete(requestId);
          return this.#close(runner);
        });
      return requestId;
    } finally {
      span.end();
    }
  }

  async worker(definition: PipelineDefinition, options: PipelineOptions & { readonly forwarding: EventForwarding }): Promise<{ stop(): Promise<void>; readonly done: Promise<void> }> {
    const forwarding = eventForwarding(options.forwarding, definition);
    const { runner } = this.#runner(definition, options, this.#ledger(options));
    let worker: PipelineWorker;
    try {
      worker = await PipelineWorker.start(definition.name, forwarding, runner);
    } catch (error) {
      await this.#close(runner);
      throw error;
    }
    return {
      done: worker.done,
      stop: async () => {
        try {
          await worker.stop();
        } finally {
          await this.#close(runner);
        }
      },
    };
  }

  status(requestId: string, options: ControlOptions): Promise<RequestStatus | undefined> {
    return this.#ledger(options).get(requestId);
  }

  async pause(definition: PipelineDefinition, requestId: string, options: ControlOptions): Promise<RequestStatus> {
    const { status } = await this.#ledger(options).update(requestId, (current) => (current.state === 'running' ? { ...current, state: 'paused' } : undefined));
    return this.#controlled(definition, requestId, status, 'paused', 'pause');
  }

  async resume(definition: PipelineDefinition, requestId: string, options: ControlOptions): Promise<RequestStatus> {
    const ledger = this.#ledger(options);
    const { status } = await ledger.update(requestId, (current) => (current.state === 'paused' ? { ...current, state: 'running' } : undefined));
    const resumed = this.#controlled(definition, requestId, status, 'running', 'resume');
    if (!resumed.next || resumed.forwarded) return resumed; // its phase is still running: it forwards on its own
    const forward = options.forwarding ? publisher(options.forwarding) : this.#sessions.get(requestId)?.forward;
    if (!forward) {
      throw new ConfigError(`pipeline "${definition.name}": request "${requestId}" runs elsewhere: resume it with the forwarding (stream and signer) it was submitted with`);
    }
    await forward(resumed.next);
    const { status: after } = await ledger.update(requestId, (current) => (current.phase === resumed.next!.phase && !current.forwarded && current.state === 'running' ? { ...current, forwarded: true } : undefined));
    return after ?? resumed;
  }

  async stop(definition: PipelineDefinition, requestId: string, options: ControlOptions): Promise<RequestStatus> {
    const ledger = this.#ledger(options);
    let wasPaused = false;
    const { status } = await ledger.update(requestId, (current) => {
      wasPaused = current.state === 'paused';
      return FINAL_STATES.has(current.state) ? undefined : { ...current, state: 'stopped', endedAt: Date.now(), error: { name: 'PipelineStoppedError', message: `pipeline "${definition.name}", request "${requestId}" was stopped` } };
    });
    const stopped = this.#controlled(definition, requestId, status, 'stopped', 'stop');
    for (const runner of this.#runners) runner.abort(requestId, new PipelineStoppedError(stopped.error!.message));
    // A paused request has no phase running to end it: it ends here.
    if (wasPaused || (stopped.next && !stopped.forwarded)) {
      const ended = (await finishStopped(definition, ledger, requestId)) ?? stopped;
      this.#waiters.get(requestId)?.settled(ended);
      return ended;
    }
    return stopped;
  }

  #ledger(options: Pick<PipelineOptions, 'state'>): RequestLedger {
    return new RequestLedger(options.state ?? this.#state);
  }

  #runner(definition: PipelineDefinition, options: PipelineOptions, ledger: RequestLedger): { runner: PhaseRunner; forward: Forward } {
    if (!options.platform) throw new ConfigError(`pipeline "${definition.name}": options.platform is needed where phases run in this process (await createPlatform('local'))`);
    let runner: PhaseRunner;
    const forward: Forward = options.forwarding
      ? publisher(options.forwarding)
      : async (request) => {
          // The next phase starts on a later turn, so a long pipeline never deepens the stack.
          setImmediate(() => runner.handle(request).catch((error: unknown) => this.#waiters.get(request.requestId)?.failed(error)));
        };
    runner = new PhaseRunner(definition, {
      platform: options.platform,
      ledger,
      forward,
      events: options.events ?? new EventBus(),
      ...(options.tracerProvider ? { tracerProvider: options.tracerProvider } : {}),
      onSettled: (status, localError) => this.#waiters.get(status.requestId)?.settled(status, localError),
    });
    this.#runners.add(runner);
    return { runner, forward };
  }

  async #close(runner: PhaseRunner): Promise<void> {
    this.#runners.delete(runner);
    await runner.close();
  }

  /** Records the request's status, then forwards its first phase. */
  async #start(definition: PipelineDefinition, input: Json, options: SubmitOptions & { requestId: string }, ledger: RequestLedger, forward: Forward, span: Span): Promise<void> {
    const problem = findNonJsonValue(input, 'input');
    if (problem) throw new PlanError(`pipeline "${definition.name}": the request's ${problem}`);
    const traceparent = traceparentOf(span);
    const request: PipelineRequest = {
      pipeline: definition.name,
      requestId: options.requestId,
      phase: 0,
      data: input,
      query: { ...options.query },
      state: {},
      ...(traceparent ? { trace: traceparent } : {}),
      submittedAt: Date.now(),
    };
    const created = await ledger.create({
      pipeline: definition.name,
      requestId: options.requestId,
      state: 'running',
      phases: definition.phases.length,
      phase: 0,
      position: 0,
      submittedAt: request.submittedAt,
      timings: [],
      next: request,
      forwarded: false,
    });
    if (!created) throw new ConfigError(`pipeline "${definition.name}": request id "${options.requestId}" is taken in this state store; give another requestId, or none for a random one`);
    await forward(request);
    await ledger.update(options.requestId, (current) => (current.phase === 0 && !current.forwarded && current.state === 'running' ? { ...current, forwarded: true } : undefined));
  }

  /** Resolves when a runner of this process settles the request, or fails when one fails on it. */
  #ended(requestId: string): Promise<{ status: RequestStatus; localError?: Error }> {
    return new Promise((resolve, reject) => {
      this.#waiters.set(requestId, { settled: (status, localError) => resolve(localError ? { status, localError } : { status }), failed: reject });
    });
  }

  /** Waits for the request to settle here, or (with a stream) anywhere; aborting `signal` stops it. */
  async #wait(definition: PipelineDefinition, requestId: string, ledger: RequestLedger, ended: Promise<{ status: RequestStatus; localError?: Error }>, options: RunOptions): Promise<{ status: RequestStatus; localError?: Error }> {
    const done = new AbortController();
    const onAbort = () => void this.stop(definition, requestId, options).catch(() => {});
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const elsewhere = async () => {
      while (!done.signal.aborted) {
        await sleep(POLL_MS, undefined, { signal: done.signal }).catch(() => {});
        const status = await ledger.get(requestId);
        if (status && settled(status, definition)) return { status };
      }
      return new Promise<never>(() => {});
    };
    try {
      return await Promise.race(options.forwarding ? [ended, elsewhere()] : [ended]);
    } finally {
      done.abort();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  #controlled(definition: PipelineDefinition, requestId: string, status: RequestStatus | undefined, wanted: RequestStatus['state'], action: string): RequestStatus {
    if (!status) throw new ConfigError(`pipeline "${definition.name}": no request "${requestId}" in this state store (pass the state the request was submitted with)`);
    if (status.state !== wanted && !(action === 'resume' && status.state === 'running')) {
      throw new ConfigError(`pipeline "${definition.name}": cannot ${action} request "${requestId}": it is ${status.state}`);
    }
    return status;
  }
}

/** Forwarding through a stream (the request published as one signed event), or to the pipeline's function (an invoke command). */
function publisher(forwarding: EventForwarding | FunctionForwarding): Forward {
  if (isFunctionForwarding(forwarding)) return functionInvoker(forwarding);
  const signer = signerOf(forwarding);
  return (request) => forwarding.stream.publish([requestEvent(request, signer, forwarding.data)]);
}

/** The stream forwarding a worker in this process reads; the pipeline's function needs none. */
function eventForwarding(forwarding: EventForwarding | FunctionForwarding, definition: PipelineDefinition): EventForwarding {
  if (isFunctionForwarding(forwarding)) {
    throw new ConfigError(`pipeline "${definition.name}": with forwarding.function every phase runs in the pipeline's function, served by an action worker (ActionWorker, or falco triggers serve --pipeline): no pipeline worker reads it`);
  }
  return forwarding;
}
