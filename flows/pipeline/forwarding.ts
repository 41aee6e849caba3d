import { ConfigError } from '../../src/errors.js';
import { makeEvent, type FalcoEvent } from '../../stores/ports/event.js';
import type { ConsumerOptions, EventStream } from '../../stores/ports/event-stream.js';
import { ForwardedRequestError } from './errors.js';
import type { RequestSigner, SignatureHeaders, SignedForwarding } from './forwarding-types.js';
import { createSigner, unsignedForwarding } from './signing.js';
import { decodeRequest, encodeRequest, type PipelineRequest } from './request.js';

/** The CloudEvent type a forwarded request travels as. */
export const PIPELINE_REQUEST_TYPE = 'falco.pipeline.request';

/**
 * Forwarding through the event engine: each request between phases is an event on `stream`, read by
 * a consumer group of pipeline workers (in this process and others), so a request outlives the
 * process that started it. Requests are signed: give a `signer`, or say `unsigned: true`.
 */
export interface EventForwarding extends SignedForwarding {
  readonly stream: EventStream;
  /** The workers' consumer group. @default `falco-pipeline-<name>` */
  readonly group?: string;
  /** This process's consumer in the group; a restarted worker with the same name picks up what it held. @default `worker-<pid>` */
  readonly consumer?: string;
  readonly consumerOptions?: ConsumerOptions;
  /**
   * Where the data between phases travels: inside each forwarded request (`request`), or only in the
   * state store (`state`: the request's status keeps the next phase's request there anyway, for
   * resume), so the stream carries a reference and large data is written once per phase. @default 'request'
   */
  readonly data?: 'request' | 'state';
}

/** A forwarded request as it travels (in an event's data, or a function's input): its exact body and the signature over it. */
export interface SignedRequest {
  readonly body: string;
  readonly signature: SignatureHeaders;
}

/** Checks what forwarding needs before anything runs: there is no default key. */
export function checkForwarding(forwarding: EventForwarding, pipeline: string): void {
  if (!forwarding.stream || typeof forwarding.stream.publish !== 'function') {
    throw new ConfigError(`pipeline "${pipeline}": forwarding.stream must be an EventStream (store.events(workspace))`);
  }
  checkSigned(forwarding, pipeline);
  if (forwarding.data !== undefined && forwarding.data !== 'request' && forwarding.data !== 'state') {
    throw new ConfigError(`pipeline "${pipeline}": forwarding.data must be "request" or "state", not ${JSON.stringify(forwarding.data)}`);
  }
}

/** Checks that forwarded requests will be signed (or are unsigned on purpose), and that the keys are usable. */
export function checkSigned(forwarding: SignedForwarding, pipeline: string): void {
  if (!forwarding.keys && !forwarding.signer && forwarding.unsigned !== true) {
    throw new ConfigError(`pipeline "${pipeline}": forwarded requests must be signed: give forwarding.keys ({ keys: { <id>: <secret> }, signWith: <id> }) or a forwarding.signer, or set forwarding.unsigned: true where nothing else can write to the stream`);
  }
  signerOf(forwarding);
}

/** The signer forwarding signs and checks with: from its keys, its own, or one that signs nothing when `unsigned: true`. */
export function signerOf(forwarding: SignedForwarding): RequestSigner {
  return forwarding.signer ?? (forwarding.keys || !forwarding.unsigned ? createSigner(forwarding.keys) : unsignedForwarding());
}

export function requestEvent(request: PipelineRequest, signer: RequestSigner, dataIn: EventForwarding['data'] = 'request'): FalcoEvent<SignedRequest> {
  const data = signRequest(dataIn === 'state' ? { ...request, data: null, dataInState: true } : request, signer);
  return makeEvent({ id: `${request.requestId}/${request.phase}`, source: `falco.pipeline/${request.pipeline}`, type: PIPELINE_REQUEST_TYPE, subject: request.requestId, data });
}

export function signRequest(request: PipelineRequest, signer: RequestSigner): SignedRequest {
  const body = encodeRequest(request);
  return { body, signature: signer.sign(Buffer.from(body)) };
}

/** The request an event carries, its signature checked (a missing one is refused, unless forwarding is unsigned). */
export function requestOf(event: FalcoEvent, signer: RequestSigner): PipelineRequest {
  return verifiedRequest(event.data, signer, `event "${event.id}"`);
}

/** The request a signed envelope carries, once its signature holds; `what` names where it came from. */
export function verifiedRequest(envelope: unknown, signer: RequestSigner, what: string): PipelineRequest {
  const data = envelope as Partial<SignedRequest> | null | undefined;
  if (typeof data?.body !== 'string') throw new ForwardedRequestError(`${what} carries no pipeline request (data.body)`);
  signer.verify(Buffer.from(data.body), { ...(data.signature ?? {}) });
  return decodeRequest(data.body);
}
