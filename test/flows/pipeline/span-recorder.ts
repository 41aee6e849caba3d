import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { trace, TraceFlags, type Attributes, type Context, type Span, type SpanContext, type SpanOptions, type SpanStatus, type Tracer, type TracerProvider } from '@opentelemetry/api';

/** A finished span as the recorder keeps it: enough to check the trace's shape. */
export interface RecordedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly attributes: Attributes;
  readonly status?: SpanStatus;
}

/**
 * A tiny in-memory TracerProvider (no OpenTelemetry SDK is installed): every span records, takes its
 * parent from the context it starts in, and is kept when it ends (and written to `file` as a JSON line, if given).
 */
export class SpanRecorder implements TracerProvider {
  readonly spans: RecordedSpan[] = [];

  constructor(private readonly file?: string) {}

  getTracer(): Tracer {
    const recorder = this;
    return {
      startSpan(name: string, options: SpanOptions = {}, context?: Context): Span {
        const parent = context ? trace.getSpanContext(context) : undefined;
        return new RecordingSpan(recorder, name, options.attributes ?? {}, parent);
      },
      startActiveSpan(): never {
        throw new Error('startActiveSpan is not used by falco');
      },
    };
  }

  keep(span: RecordedSpan): void {
    this.spans.push(span);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(span)}\n`);
  }
}

class RecordingSpan implements Span {
  readonly #context: SpanContext;
  readonly #attributes: Attributes;
  #status: SpanStatus | undefined;
  #ended = false;

  constructor(
    private readonly recorder: SpanRecorder,
    private readonly name: string,
    attributes: Attributes,
    private readonly parent: SpanContext | undefined,
  ) {
    this.#attributes = { ...attributes };
    this.#context = { traceId: parent?.traceId ?? randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED };
  }

  spanContext(): SpanContext {
    return this.#context;
  }
  setAttribute(key: string, value: Attributes[string]): this {
    this.#attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.#attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.#status = status;
    return this;
  }
  updateName(): this {
    return this;
  }
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.recorder.keep({
      name: this.name,
      traceId: this.#context.traceId,
      spanId: this.#context.spanId,
      ...(this.parent ? { parentSpanId: this.parent.spanId } : {}),
      attributes: this.#attributes,
      ...(this.#status ? { status: this.#status } : {}),
    });
  }
  isRecording(): boolean {
    return !this.#ended;
  }
  recordException(): void {}
}
