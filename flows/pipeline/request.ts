import { z } from 'zod';
import type { Json, JsonObject } from './steps.js';
import { ForwardedRequestError } from './errors.js';

/**
 * A request between two phases, as it is forwarded: which phase runs next, the data so far, and
 * everything the request carries (its query, the embedded state, the trace context).
 */
export interface PipelineRequest {
  readonly pipeline: string;
  readonly requestId: string;
  /** The phase to run next. */
  readonly phase: number;
  readonly data: Json;
  readonly query: Readonly<Record<string, string>>;
  readonly state: JsonObject;
  /** The W3C `traceparent` of the request's span, so every phase joins one trace. */
  readonly trace?: string;
  /** When the request was submitted, in ms since the epoch. */
  readonly submittedAt: number;
  /** The data was left out of the forwarded body: the request's status in the state store holds it (`forwarding.data: 'state'`). */
  readonly dataInState?: true;
}

const requestSchema = z
  .object({
    pipeline: z.string().min(1),
    requestId: z.string().min(1),
    phase: z.number().int().nonnegative(),
    data: z.json(),
    query: z.record(z.string(), z.string()),
    state: z.record(z.string(), z.json()),
    trace: z.string().optional(),
    submittedAt: z.number(),
    dataInState: z.literal(true).optional(),
  })
  .strict();

export function encodeRequest(request: PipelineRequest): string {
  return JSON.stringify(request);
}

/** Reads a forwarded request back, refusing anything that is not one (named in the error). */
export function decodeRequest(body: string): PipelineRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ForwardedRequestError('a forwarded pipeline request is not JSON');
  }
  const result = requestSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ForwardedRequestError(`a forwarded pipeline request is malformed: ${issue.path.join('.') || 'the request'}: ${issue.message}`);
  }
  return result.data as PipelineRequest;
}
