import { ConfigError } from '../../src/errors.js';
import { makeEvent, type FalcoEvent } from '../../stores/ports/event.js';
import type { ConsumerOptions, EventStream } from '../../stores/ports/event-stream.js';
import { ForwardedRequestError } from './errors.js';
import type { RequestSigner, SignatureHeaders, SigningKeys } from './forwarding-types.js';
import { createSigner, unsignedForwarding } from './signing.js';
import { decodeRequest, encodeRequest, type PipelineRequest } from './request.js';

/** The CloudEvent type a forwarded request travels as. */
export const PIPELINE_REQUEST_TYPE = 'falco.pipeline.request';

/**
 * Forwarding through the event engine: each request between phases is an event on `stream`, read by
 * a consumer group of pipeline workers (in this process and others), so a request outlives the
 * process that started it. Requests are signed: give a `signer`, or say `unsigned: true`.
 */
export interface EventForwarding {
  readonly stream: EventStream;
  /** The keys requests are signed and checked with (HMAC-SHA256, `createSigner`); every worker needs the same. */
  readonly keys?: SigningKeys;
  /** Or a signer of your own. */
  readonly signer?: RequestSigner;
  /** Forward without signatures: only where nothing else can write to the stream. */
  readonly unsigned?: boolean;
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

interface ForwardedData {
  readonly body: string;
  readonly signature: SignatureHeaders;
}

/** Checks what forwarding needs before anything runs: there is no default key. */
export function checkForwarding(forwarding: EventForwarding, pipeline: string): void {
  if (!forwarding.stream || typeof forwarding.stream.publish !== 'function') {
    throw new ConfigError(`pipeline "${pipeline}": forwarding.stream must be an EventStream (store.events(workspace))`);
  }
  if (!forwarding.keys && !forwarding.signer && forwarding.unsigned !== true) {
    throw new ConfigError(`pipeline "${pipeline}": forwarded requests must be signed: give forwarding.keys ({ keys: { <id>: <secret> }, signWith: <id> }) or a forwarding.signer, or set forwarding.unsigned: true where nothing else can write to the stream`);
  }
  if (forwarding.data !== undefined && forwarding.data !== 'request' && forwarding.data !== 'state') {
    throw new ConfigError(`pipeline "${pipeline}": forwarding.data must be "request" or "state", not ${JSON.stringify(forwarding.data)}`);
  }
  signerOf(forwarding);
}

/** The signer forwarding signs and checks with: from its keys, its own, or one that signs nothing when `unsigned: true`. */
export function signerOf(forwarding: EventForwarding): RequestSigner {
  return forwarding.signer ?? (forwarding.keys || !forwarding.unsigned ? createSigner(forwarding.keys) : unsignedForwarding());
}

export function requestEvent(request: PipelineRequest, signer: RequestSigner, dataIn: EventForwarding['data'] = 'request'): FalcoEvent<ForwardedData> {
  const body = encodeRequest(dataIn === 'state' ? { ...request, data: null, dataInState: true } : request);
  const data: ForwardedData = { body, signature: signer.sign(Buffer.from(body)) };
  return makeEvent({ id: `${request.requestId}/${request.phase}`, source: `falco.pipeline/${request.pipeline}`, type: PIPELINE_REQUEST_TYPE, subject: request.requestId, data });
}

/** The request an event carries, its signature checked (a missing one is refused, unless forwarding is unsigned). */
export function requestOf(event: FalcoEvent, signer: RequestSigner): PipelineRequest {
  const data = event.data as Partial<ForwardedData> | undefined;
  if (typeof data?.body !== 'string') throw new ForwardedRequestError(`event "${event.id}" carries no pipeline request (data.body)`);
  signer.verify(Buffer.from(data.body), { ...(data.signature ?? {}) });
  return decodeRequest(data.body);
}
