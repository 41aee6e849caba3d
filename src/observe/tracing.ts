import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { now } from '../clock.js';
import type { EventBus, FalcoEvents } from '../events.js';
import type { Invocation } from '../invocation.js';
import { finalAttempt } from './final-attempt.js';

export interface TracingOptions {
  /** Where the spans go. @default the global provider, a no-op until an OpenTelemetry SDK registers one */
  readonly tracerProvider?: TracerProvider;
  /** The context the run's (or, without a run, each phase's) span starts in: a pipeline step's span, say. @default the active context */
  readonly parent?: Context;
}

/** The tracer's name, as it appears in a tracing backend's instrumentation scope. */
export const TRACER_NAME = 'falco';

/**
 * OpenTelemetry spans from a run's events: `falco.run`, a `falco.phase` per phase under it, and a
 * `falco.invocation` per invocation under its phase, with one `falco.attempt` event per attempt.
 * Without an SDK every span is a no-op; when a phase's span is not recording (no SDK, or sampled
 * out), its invocations make no spans at all, so tracing costs nothing on the hot path.
 */
export class RunTracer {
  readonly #provider: TracerProvider | undefined;
  readonly #parent: Context | undefined;
  #run: Span | undefined;
  #runId: string | undefined;
  readonly #phases = new Map<string, Span>();
  readonly #invocations = new Map<Invocation, Span>();

  constructor(options: TracingOptions = {}) {
    this.#provider = options.tracerProvider;
    this.#parent = options.parent;
  }

  attach(events: EventBus<FalcoEvents>): () => void {
    const tracer = (this.#provider ?? trace.getTracerProvider()).getTracer(TRACER_NAME);
    const off = [
      events.on('run:start', ({ runId, phases }) => {
        this.#runId = runId;
        this.#run = tracer.startSpan('falco.run', { attributes: { 'falco.run.id': runId, 'falco.run.phases': [...phases] } }, this.#parent);
      }),
      events.on('phase:start', ({ phase, size, deployment }) => {
        const base = this.#parent ?? context.active();
        const parent = this.#run ? trace.setSpan(base, this.#run) : base;
        const attributes: Attributes = {
          'falco.phase': phase,
          'falco.phase.size': size,
          'falco.deployment': deployment.name,
          'falco.platform': deployment.platform,
          'faas.max_memory': deployment.memoryMB * 1024 * 1024,
        };
        if (this.#runId !== undefined) attributes['falco.run.id'] = this.#runId;
        this.#phases.set(phase, tracer.startSpan('falco.phase', { attributes }, parent));
      }),
      events.on('invocation:start', ({ invocation }) => {
        const phase = this.#phases.get(invocation.phase);
        if (!phase?.isRecording()) return;
        this.#invocations.set(
          invocation,
          tracer.startSpan(
            'falco.invocation',
            { kind: SpanKind.CLIENT, startTime: now(), attributes: { 'falco.invocation.id': invocation.id, 'falco.phase': invocation.phase } },
            trace.setSpan(context.active(), phase),
          ),
        );
      }),
      events.on('invocation:attempt', ({ invocation, attempt }) => {
        const attributes: Attributes = { 'falco.attempt': attempt.attempt, 'falco.attempt.submitted_at': attempt.submittedAt };
        if (attempt.errorClass) attributes['error.type'] = attempt.errorClass;
        if (attempt.activationId) attributes['faas.invocation_id'] = attempt.activationId;
        if (attempt.coldStart !== undefined) attributes['faas.coldstart'] = attempt.coldStart;
        if (attempt.durationMs !== undefined) attributes['falco.attempt.duration_ms'] = attempt.durationMs;
        if (attempt.speculative) attributes['falco.attempt.speculative'] = true;
        this.#invocations.get(invocation)?.addEvent('falco.attempt', attributes, attempt.endedAt);
      }),
      events.on('invocation:end', ({ invocation }) => this.#endInvocation(invocation, tracer)),
      events.on('phase:end', ({ result }) => {
        const span = this.#phases.get(result.phase);
        if (!span) return;
        span.setAttributes({
          'falco.phase.succeeded': result.counts.succeeded,
          'falco.phase.failed': result.counts.failed,
          'falco.phase.aborted': result.counts.aborted,
        });
        if (result.fatal) span.setStatus({ code: SpanStatusCode.ERROR, message: result.fatal.message });
        span.end(result.endedAt);
        this.#phases.delete(result.phase);
      }),
      events.on('run:end', ({ error }) => {
        if (!this.#run) return;
        if (error !== undefined) {
          this.#run.recordException(error instanceof Error ? error : String(error));
          this.#run.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        }
        this.#run.end();
        this.#run = undefined;
      }),
    ];
    return () => off.forEach((unsubscribe) => unsubscribe());
  }

  #endInvocation(invocation: Invocation, tracer: Tracer): void {
    let span = this.#invocations.get(invocation);
    this.#invocations.delete(invocation);
    if (!span) {
      // Never started (aborted before its turn): a span all the same, so every invocation is counted.
      const phase = this.#phases.get(invocation.phase);
      if (!phase?.isRecording()) return;
      span = tracer.startSpan('falco.invocation', { kind: SpanKind.CLIENT, attributes: { 'falco.invocation.id': invocation.id, 'falco.phase': invocation.phase } }, trace.setSpan(context.active(), phase));
    }
    const last = finalAttempt(invocation);
    const attributes: Attributes = { 'falco.invocation.status': invocation.status, 'falco.invocation.attempts': invocation.attempts.length };
    if (last?.activationId) attributes['faas.invocation_id'] = last.activationId;
    if (last?.coldStart !== undefined) attributes['faas.coldstart'] = last.coldStart;
    if (invocation.error) {
      attributes['error.type'] = invocation.error.class;
      span.setStatus({ code: SpanStatusCode.ERROR, message: invocation.error.message });
    }
    span.setAttributes(attributes);
    span.end(last?.endedAt ?? now());
  }
}
