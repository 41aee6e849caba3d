import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  trace,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { EventBus, type FalcoEvents } from '../../src/index.js';
import { RunTracer, TRACER_NAME } from '../../src/observe/index.js';
import { simulatedRun } from './runs.js';

/** A recording span kept in memory: what an SDK would export. */
class MemorySpan implements Span {
  readonly attributes: Attributes = {};
  readonly events: { name: string; attributes: Attributes | undefined; time: TimeInput | undefined }[] = [];
  status: SpanStatus | undefined;
  endTime: TimeInput | undefined;
  ended = false;
  readonly exceptions: unknown[] = [];
  readonly #context: SpanContext;

  constructor(
    readonly name: string,
    readonly parent: SpanContext | undefined,
    readonly options: SpanOptions,
    private readonly sampled: boolean,
  ) {
    this.#context = { traceId: parent?.traceId ?? randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED };
    Object.assign(this.attributes, options.attributes);
  }

  spanContext(): SpanContext {
    return this.#context;
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    this.events.push({ name, attributes: attributesOrTime as Attributes, time });
    return this;
  }
  addLink(_link: Link): this {
    return this;
  }
  addLinks(_links: Link[]): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.status = status;
    return this;
  }
  updateName(): this {
    return this;
  }
  end(endTime?: TimeInput): void {
    assert.equal(this.ended, false, `span ${this.name} ended twice`);
    this.ended = true;
    this.endTime = endTime;
  }
  isRecording(): boolean {
    return this.sampled && !this.ended;
  }
  recordException(exception: unknown): void {
    this.exceptions.push(exception);
  }
}

/** The smallest TracerProvider that records: no SDK needed. */
class MemoryTracerProvider implements TracerProvider {
  readonly spans: MemorySpan[] = [];
  readonly names: string[] = [];

  /** `sampled: false` plays a sampler that drops everything: spans exist but do not record. */
  constructor(private readonly sampled = true) {}

  getTracer(name: string): Tracer {
    this.names.push(name);
    const spans = this.spans;
    const startSpan = (spanName: string, options: SpanOptions = {}, context?: Context): MemorySpan => {
      const parent = context ? trace.getSpanContext(context) : undefined;
      const span = new MemorySpan(spanName, parent, options, this.sampled);
      spans.push(span);
      return span;
    };
    return {
      startSpan,
      startActiveSpan: (() => {
        throw new Error('not used by falco');
      }) as Tracer['startActiveSpan'],
    };
  }
}

describe('RunTracer', () => {
  it('makes a span per run, phase and invocation, with activation ids, attempts, status and error class', async () => {
    const provider = new MemoryTracerProvider();
    const { records } = await simulatedRun((driver) => new RunTracer({ tracerProvider: provider }).attach(driver.events), { invocations: 60 });
    assert.deepEqual(provider.names, [TRACER_NAME]);
    assert.ok(provider.spans.every((s) => s.ended), 'every span ended');
    const [run, ...rest] = provider.spans;
    assert.equal(run!.name, 'falco.run');
    assert.equal(run!.attributes['falco.run.id'], 'test-run');
    const phases = rest.filter((s) => s.name === 'falco.phase');
    assert.deepEqual(phases.map((s) => s.attributes['falco.phase']), ['map', 'reduce']);
    assert.ok(phases.every((s) => s.parent?.spanId === run!.spanContext().spanId && s.parent?.traceId === run!.spanContext().traceId));
    assert.equal(phases[0]!.attributes['falco.platform'], 'simulated');

    const invocations = rest.filter((s) => s.name === 'falco.invocation');
    assert.equal(invocations.length, records.length);
    for (const record of records) {
      const span = invocations.find((s) => s.attributes['falco.invocation.id'] === record.id && s.attributes['falco.phase'] === record.phase)!;
      const phase = phases.find((p) => p.attributes['falco.phase'] === record.phase)!;
      assert.equal(span.parent?.spanId, phase.spanContext().spanId);
      assert.equal(span.attributes['falco.invocation.status'], record.status);
      assert.equal(span.attributes['falco.invocation.attempts'], record.attempts.length);
      assert.equal(span.attributes['faas.invocation_id'], record.attempts.at(-1)!.activationId);
      assert.equal(span.attributes['error.type'], record.error?.class);
      assert.equal(span.status?.code === 2, record.status !== 'succeeded', 'failed invocations have an error status');
      assert.deepEqual(
        span.events.map((e) => [e.name, e.attributes?.['falco.attempt'], e.attributes?.['error.type'], e.attributes?.['faas.invocation_id']]),
        record.attempts.map((a) => ['falco.attempt', a.attempt, a.errorClass, a.activationId]),
      );
      assert.equal(span.endTime, record.attempts.at(-1)!.endedAt);
    }
    assert.ok(invocations.some((s) => s.attributes['error.type'] === 'function'), 'the seeded function errors are traced');
    assert.ok(invocations.some((s) => s.events.length > 1), 'retries show as several attempt events');
  });

  it('marks a failed run, and makes no invocation spans when the phase span is not recording', () => {
    const provider = new MemoryTracerProvider();
    const events = new EventBus<FalcoEvents>();
    const detach = new RunTracer({ tracerProvider: provider }).attach(events);
    events.emit('run:start', { runId: 'r', phases: ['p'] });
    events.emit('run:end', { runId: 'r', error: new Error('boom') });
    assert.equal(provider.spans[0]!.status?.code, 2);
    assert.equal(provider.spans[0]!.exceptions.length, 1);
    detach();

    const deployment = { name: 'd', platform: 'x', runtime: 'nodejs:20', memoryMB: 128, timeoutMs: 1000, idempotent: true };
    const drive = (bus: EventBus<FalcoEvents>): void => {
      bus.emit('run:start', { runId: 'r', phases: ['p'] });
      bus.emit('phase:start', { phase: 'p', size: 2, deployment });
      const started = { id: 'a', phase: 'p', input: {}, status: 'pending' as const, attempts: [] };
      bus.emit('invocation:start', { invocation: started });
      bus.emit('invocation:end', { invocation: started });
      bus.emit('invocation:end', { invocation: { id: 'b', phase: 'p', input: {}, status: 'aborted', attempts: [] } });
      bus.emit('run:end', { runId: 'r' });
    };
    const sampled = new MemoryTracerProvider();
    const recorded = new EventBus<FalcoEvents>();
    new RunTracer({ tracerProvider: sampled }).attach(recorded);
    drive(recorded);
    assert.deepEqual(sampled.spans.map((s) => s.name), ['falco.run', 'falco.phase', 'falco.invocation', 'falco.invocation']);
    assert.equal(sampled.spans[3]!.attributes['falco.invocation.status'], 'aborted', 'an invocation that never started still gets its span');

    const unsampled = new MemoryTracerProvider(false);
    const bus = new EventBus<FalcoEvents>();
    new RunTracer({ tracerProvider: unsampled }).attach(bus);
    drive(bus);
    assert.deepEqual(unsampled.spans.map((s) => s.name), ['falco.run', 'falco.phase']);

    const global = new EventBus<FalcoEvents>();
    new RunTracer().attach(global); // the global provider: a no-op without an SDK, and no error
    drive(global);
  });
});
