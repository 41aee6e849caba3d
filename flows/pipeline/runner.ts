import { trace, type Span, type TracerProvider } from '@opentelemetry/api';
import type { Deployable } from '../../src/deployable.js';
import { DeploymentError, FalcoError, messageOf, PlanError, toFalcoError } from '../../src/errors.js';
import { EventBus, type FalcoEvents } from '../../src/events.js';
import { createInvocations } from '../../src/invocation.js';
import { findNonJsonValue } from '../../src/json.js';
import { RunTracer } from '../../src/observe/tracing.js';
import type { Deployment, Platform } from '../../src/platform.js';
import { sendCallback, secretsOf } from './callback.js';
import type { PipelineDefinition } from './definition.js';
import { CarriedState } from './carried-state.js';
import { ForwardedRequestError, PipelineFailedError, StepFailedError } from './errors.js';
import { finallyClaim, finishAbandoned, runFinally } from './finish.js';
import { FINAL_STATES, type RequestLedger, type RequestStatus } from './ledger.js';
import type { PhaseSpan } from './phases.js';
import type { PipelineRequest } from './request.js';
import type { ApplyStep, Json, Step, StepContext } from './steps.js';
import { contextOf, inSpan, tracerOf } from './tracing.js';

/** Hands a request to the process that runs its next phase. */
export type Forward = (request: PipelineRequest) => Promise<void>;

export interface RunnerOptions {
  readonly platform: Platform;
  readonly ledger: RequestLedger;
  readonly forward: Forward;
  /** The executors' events of every apply (records, stats, costs): `observe()` and record writers attach here. */
  readonly events: EventBus<FalcoEvents>;
  readonly tracerProvider?: TracerProvider;
  /** Told once a request this process ended is settled (its `finally` ran). */
  readonly onSettled?: (status: RequestStatus, localError?: Error) => void;
}

type PhaseOutcome =
  | { readonly kind: 'next'; readonly request: PipelineRequest }
  | { readonly kind: 'end'; readonly state: 'succeeded'; readonly output: Json; readonly carried: PipelineRequest }
  | { readonly kind: 'end'; readonly state: 'failed'; readonly error: Error; readonly carried: PipelineRequest };

/** The executor events a step's own bus hands on to the pipeline's. */
const RELAYED = ['phase:start', 'phase:end', 'invocation:start', 'invocation:attempt', 'invocation:retry', 'invocation:end'] as const;

/**
 * Runs phases of a pipeline's requests in this process: each request handed to it runs its phase,
 * then one compare-and-set on the request's status decides what happens next (forward, park while
 * paused, end), so a request delivered twice, or to two workers, moves on once.
 */
export class PhaseRunner {
  readonly #definition: PipelineDefinition;
  readonly #options: RunnerOptions;
  readonly #deployments = new Map<Deployable, Promise<Deployment>>();
  /** Requests running a phase here, so `stop()` can cut their calls short. */
  readonly #running = new Map<string, AbortController>();
  /** Phases being handled here, by `<request>/<phase>`: a second delivery of one waits for it, then finds it done. */
  readonly #handling = new Map<string, Promise<void>>();

  constructor(definition: PipelineDefinition, options: RunnerOptions) {
    this.#definition = definition;
    this.#options = options;
  }

  /** Deploys every applied function now, so an undeployable one fails before any request runs. */
  async deployAll(): Promise<void> {
    const applies = this.#definition.steps.flatMap((step, position) => (step.kind === 'apply' ? [{ step, position }] : []));
    const deployed = await Promise.allSettled(applies.map(({ step, position }) => this.#deployment(step, position)));
    for (const outcome of deployed) if (outcome.status === 'rejected') throw outcome.reason;
  }

  /** Cuts short the phase a request runs here, if it runs here. */
  abort(requestId: string, reason: Error): void {
    this.#running.get(requestId)?.abort(reason);
  }

  /**
   * Runs the phase a forwarded request asks for, unless it ran before. A copy delivered while the
   * same phase runs here (a redelivery beside a re-forward, after a crash) waits for it instead of
   * running the phase's calls a second time beside it.
   */
  async handle(forwarded: PipelineRequest): Promise<void> {
    const key = `${forwarded.requestId}/${forwarded.phase}`;
    const running = this.#handling.get(key);
    if (running) {
      await running.catch(() => {});
      return this.handle(forwarded);
    }
    const handled = this.#handle(forwarded);
    this.#handling.set(key, handled);
    try {
      await handled;
    } finally {
      if (this.#handling.get(key) === handled) this.#handling.delete(key);
    }
  }

  async #handle(forwarded: PipelineRequest): Promise<void> {
    const { ledger } = this.#options;
    const status = await ledger.get(forwarded.requestId);
    if (!status) {
      throw new ForwardedRequestError(`request "${forwarded.requestId}" of pipeline "${forwarded.pipeline}" has no status in the state store: every worker must share the store the request was submitted with`);
    }
    if (status.finally === 'claimed' && endedBy(status, forwarded)) {
      // The process that ended the request on this delivery never acknowledged it: it died with `finally` claimed.
      const finished = await finishAbandoned(this.#definition, ledger, status);
      if (finished) this.#options.onSettled?.(finished);
      return;
    }
    if (status.state === 'stopped') return this.#endStopped(status, forwarded);
    if (FINAL_STATES.has(status.state) || status.phase !== forwarded.phase) return; // done before: a repeat
    const request = forwarded.dataInState ? dataFromState(forwarded, status) : forwarded;
    if (status.state === 'paused' && !(await this.#park(request))) return;
    const phase = this.#definition.phases[request.phase];
    if (!phase) throw new ForwardedRequestError(`request "${request.requestId}" asks for phase ${request.phase}; pipeline "${this.#definition.name}" has ${this.#definition.phases.length}`);
    const abort = new AbortController();
    this.#running.set(request.requestId, abort);
    const startedAt = Date.now();
    let outcome: PhaseOutcome;
    try {
      outcome = await this.#runPhase(request, phase, abort.signal);
    } finally {
      this.#running.delete(request.requestId);
    }
    await this.#settle(request, outcome, { phase: phase.index, startedAt, endedAt: Date.now() });
  }

  /** Removes what this runner deployed. */
  async close(): Promise<void> {
    const deployments = [...this.#deployments.values()];
    this.#deployments.clear();
    const { platform } = this.#options;
    await Promise.allSettled(deployments.map(async (deployment) => platform.remove(await deployment)));
  }

  async #settle(request: PipelineRequest, outcome: PhaseOutcome, timing: RequestStatus['timings'][number]): Promise<void> {
    const { ledger } = this.#options;
    const steps = this.#definition.steps.length;
    let claimedFinally = false;
    const carried = outcome.kind === 'next' ? outcome.request : outcome.carried;
    const { status, changed } = await ledger.update(request.requestId, (current) => {
      claimedFinally = false;
      if (current.phase !== request.phase || (FINAL_STATES.has(current.state) && current.state !== 'stopped')) return undefined;
      const moved = { ...current, phase: request.phase + 1, timings: [...current.timings, timing] };
      if (current.state !== 'stopped' && outcome.kind === 'next') {
        return { ...moved, position: this.#definition.phases[request.phase + 1]!.from, next: outcome.request, forwarded: false };
      }
      claimedFinally = this.#definition.finally !== undefined && current.finally === undefined;
      const ended = { ...moved, position: steps, next: undefined, forwarded: false, endedAt: current.endedAt ?? timing.endedAt, ...(claimedFinally ? finallyClaim(carried) : {}) };
      if (outcome.kind === 'next' || current.state === 'stopped') return ended;
      return outcome.state === 'succeeded'
        ? { ...ended, state: 'succeeded', output: outcome.output }
        : { ...ended, state: 'failed', error: { name: outcome.error.name, message: outcome.error.message } };
    });
    if (!changed || !status) return; // another worker moved the request on first
    if (outcome.kind === 'next' && status.state === 'running') {
      await this.#options.forward(outcome.request);
      await ledger.update(request.requestId, (current) => (current.phase === outcome.request.phase && !current.forwarded ? { ...current, forwarded: true } : undefined));
      return;
    }
    if (!FINAL_STATES.has(status.state)) return; // paused: parked in `next`
    const localError = outcome.kind === 'end' && outcome.state === 'failed' ? outcome.error : undefined;
    if (claimedFinally) await runFinally(this.#definition, ledger, status, carried, localError);
    this.#options.onSettled?.((await ledger.get(request.requestId)) ?? status, localError);
  }

  /**
   * A request paused after it was forwarded: this delivery is dropped and the request marked not
   * forwarded, so `resume` forwards it again. True if it was resumed meanwhile and should run now.
   */
  async #park(request: PipelineRequest): Promise<boolean> {
    const { status } = await this.#options.ledger.update(request.requestId, (current) =>
      current.state === 'paused' && current.phase === request.phase && current.forwarded ? { ...current, forwarded: false } : undefined,
    );
    return status?.state === 'running' && status.phase === request.phase;
  }

  async #endStopped(status: RequestStatus, request: PipelineRequest): Promise<void> {
    const { ledger } = this.#options;
    if (!this.#definition.finally || status.finally !== undefined) return;
    const { status: claimed, changed } = await ledger.update(request.requestId, (current) => (current.state === 'stopped' && current.finally === undefined ? { ...current, ...finallyClaim(request) } : undefined));
    if (!changed || !claimed) return;
    await runFinally(this.#definition, ledger, claimed, request);
    this.#options.onSettled?.((await ledger.get(request.requestId)) ?? claimed);
  }

  async #runPhase(request: PipelineRequest, phase: PhaseSpan, signal: AbortSignal): Promise<PhaseOutcome> {
    const definition = this.#definition;
    const tracer = tracerOf(this.#options.tracerProvider);
    const phaseSpan = tracer.startSpan(
      'falco.pipeline.phase',
      { attributes: { 'falco.pipeline': definition.name, 'falco.pipeline.request_id': request.requestId, 'falco.pipeline.phase': phase.index } },
      contextOf(request.trace),
    );
    const state = new CarriedState(request.requestId, request.state);
    const carried = (data: Json, phaseIndex: number): PipelineRequest => ({ ...request, phase: phaseIndex, data, state: state.toJSON() });
    let data = request.data;
    try {
      for (let position = phase.from; position < phase.to; position++) {
        const step = definition.steps[position]!;
        const context: StepContext = { pipeline: definition.name, requestId: request.requestId, position, query: request.query, state };
        try {
          data = await this.#runStep(step, position, data, context, phaseSpan, signal);
        } catch (error) {
          const failure = this.#stepFailure(step, position, request, error);
          if (!definition.onFailure) return { kind: 'end', state: 'failed', error: failure, carried: carried(data, phase.index) };
          try {
            const recovered = (await definition.onFailure(toFalcoError(error, `step ${position} (${step.label})`), { ...context, step: step.label })) as Json;
            checkJson(recovered, `the onFailure handler of pipeline "${definition.name}" returned`);
            return { kind: 'end', state: 'succeeded', output: recovered, carried: carried(recovered, phase.index) };
          } catch (handlerError) {
            return { kind: 'end', state: 'failed', error: this.#stepFailure(step, position, request, handlerError, 'its onFailure handler rethrew: '), carried: carried(data, phase.index) };
          }
        }
      }
    } finally {
      phaseSpan.end();
    }
    const next = definition.phases[phase.index + 1];
    return next ? { kind: 'next', request: carried(data, next.index) } : { kind: 'end', state: 'succeeded', output: data, carried: carried(data, phase.index) };
  }

  #stepFailure(step: Step, position: number, request: PipelineRequest, error: unknown, prefix = ''): Error {
    return new PipelineFailedError(`pipeline "${this.#definition.name}", request "${request.requestId}": step ${position} (${step.label}) failed: ${prefix}${messageOf(error)}`, { cause: error });
  }

  async #runStep(step: Step, position: number, data: Json, context: StepContext, phaseSpan: Span, signal: AbortSignal): Promise<Json> {
    const tracer = tracerOf(this.#options.tracerProvider);
    const span = tracer.startSpan(
      'falco.pipeline.step',
      { attributes: { 'falco.pipeline.step': step.label, 'falco.pipeline.position': position, 'falco.pipeline.step.kind': step.kind } },
      trace.setSpan(contextOf(undefined), phaseSpan),
    );
    return inSpan(span, async () => {
      signal.throwIfAborted();
      switch (step.kind) {
        case 'modify': {
          const output = (await (step.fn as (data: Json, context: StepContext) => unknown)(data, context)) as Json;
          checkJson(output, `step ${position} (${step.label}) returned`);
          return output;
        }
        case 'callback':
          await sendCallback({ ...step, secrets: secretsOf(step) }, data, context.requestId, signal);
          return data;
        case 'apply':
          return this.#apply(step, position, data, context, span, signal);
      }
    });
  }

  async #apply(step: ApplyStep, position: number, data: Json, context: StepContext, span: Span, signal: AbortSignal): Promise<Json> {
    const inputs = step.each ? eachInput(data, step.label) : [data];
    const phaseId = `${this.#definition.name}/${position}.${step.deployable.name}`;
    const id = `${context.requestId}/${position}`;
    const invocations = createInvocations(
      phaseId,
      inputs.map((input, index) => ({ id: step.each ? `${id}/${index}` : id, input: withHeaders(input, step) })),
    );
    const deployment = await this.#deployment(step, position);
    const events = this.#stepEvents(span);
    events.bus.emit('phase:start', { phase: phaseId, size: invocations.length, deployment });
    const result = await step.executor.execute({ id: phaseId, invocations }, deployment, this.#options.platform, { events: events.bus, signal });
    events.bus.emit('phase:end', { result });
    events.detach();
    const outputs: Json[] = [];
    for (const invocation of result.invocations) {
      if (invocation.status !== 'succeeded') {
        const error = invocation.error ?? { class: 'aborted' as const, message: `invocation "${invocation.id}" did not run` };
        throw new StepFailedError(error.class, `${step.deployable.name} failed (${error.class}): ${error.message}`);
      }
      await step.onResponse?.(invocation.output as never, invocation, context);
      outputs.push(invocation.output as Json);
    }
    return step.each ? outputs : outputs[0]!;
  }

  /** The bus a step's executor reports on: the pipeline's own, or, while tracing records, one whose invocation spans go under the step's span. */
  #stepEvents(span: Span): { bus: EventBus<FalcoEvents>; detach: () => void } {
    const host = this.#options.events;
    if (!span.isRecording()) return { bus: host, detach: () => {} };
    const bus = new EventBus<FalcoEvents>();
    const offTracer = new RunTracer({ ...(this.#options.tracerProvider ? { tracerProvider: this.#options.tracerProvider } : {}), parent: trace.setSpan(contextOf(undefined), span) }).attach(bus);
    const relay = <K extends (typeof RELAYED)[number]>(name: K) => bus.on(name, (payload) => host.emit(name, payload));
    const offRelay = RELAYED.map(relay);
    return { bus, detach: () => [offTracer, ...offRelay].forEach((off) => off()) };
  }

  #deployment(step: ApplyStep, position: number): Promise<Deployment> {
    let deployment = this.#deployments.get(step.deployable);
    if (!deployment) {
      deployment = this.#options.platform.deploy(step.deployable).catch((error: unknown) => {
        this.#deployments.delete(step.deployable);
        const why = error instanceof FalcoError ? error.message : messageOf(error);
        throw new DeploymentError(`pipeline "${this.#definition.name}": step ${position} (${step.label}) cannot be deployed on ${this.#options.platform.name}: ${why}`, { cause: error });
      });
      this.#deployments.set(step.deployable, deployment);
    }
    return deployment;
  }
}

/** True when the request ended on this delivery: its last phase, or the one it was stopped at. */
function endedBy(status: RequestStatus, forwarded: PipelineRequest): boolean {
  return FINAL_STATES.has(status.state) && (status.phase === forwarded.phase + 1 || (status.state === 'stopped' && status.phase === forwarded.phase));
}

/** A request forwarded without its data (`forwarding.data: 'state'`), with the data its status keeps for the phase. */
function dataFromState(forwarded: PipelineRequest, status: RequestStatus): PipelineRequest {
  const { dataInState: _, ...request } = forwarded;
  if (status.next?.phase !== forwarded.phase) {
    throw new ForwardedRequestError(`request "${forwarded.requestId}" was forwarded without its data, and its status holds none for phase ${forwarded.phase}`);
  }
  return { ...request, data: status.next.data };
}

function checkJson(value: Json, what: string): void {
  const problem = findNonJsonValue(value, 'the output');
  if (problem) throw new PlanError(`${what} something JSON cannot carry: ${problem}`);
}

function eachInput(data: Json, label: string): Json[] {
  if (!Array.isArray(data)) throw new PlanError(`${label} applies its function to each item of a list, and got ${data === null ? 'null' : typeof data}: the step before must return an array`);
  return data;
}

/** The input with the step's headers and query, OpenWhisk web-action style; only an object can carry them. */
function withHeaders(input: Json, step: ApplyStep): Json {
  if (!step.headers && !step.query) return input;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new PlanError(`${step.label} has headers or a query, which reach the function as __ow_headers / __ow_query in its input: the input must be an object, not ${Array.isArray(input) ? 'an array' : typeof input}`);
  }
  return { ...input, ...(step.headers ? { __ow_headers: { ...step.headers } } : {}), ...(step.query ? { __ow_query: new URLSearchParams(step.query).toString() } : {}) };
}
