import { context, SpanStatusCode, trace, TraceFlags, type Context, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { messageOf } from '../../src/errors.js';
import { TRACER_NAME } from '../../src/observe/tracing.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C `traceparent` of a span, carried in the forwarded request; undefined for a span that records nothing. */
export function traceparentOf(span: Span): string | undefined {
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!trace.isSpanContextValid(span.spanContext())) return undefined;
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/** The context a forwarded request's spans start in: its request span, from another process. */
export function contextOf(traceparent: string | undefined): Context {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent);
  if (!match) return context.active();
  const [, traceId, spanId, flags] = match;
  return trace.setSpanContext(context.active(), { traceId: traceId!, spanId: spanId!, traceFlags: Number.parseInt(flags!, 16) || TraceFlags.NONE, isRemote: true });
}

export function tracerOf(provider: TracerProvider | undefined): Tracer {
  return (provider ?? trace.getTracerProvider()).getTracer(TRACER_NAME);
}

/** Runs `work` inside a span that ends with it, marked as an error if it throws. */
export async function inSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
    throw error;
  } finally {
    span.end();
  }
}
