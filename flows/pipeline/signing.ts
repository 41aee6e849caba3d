import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { ConfigError } from '../../src/errors.js';
import { positiveInteger } from '../../src/whole-number.js';
import { SignatureError } from './errors.js';
import type { ReceivedHeaders, RequestSigner, SignatureHeaders, SigningKeys } from './forwarding-types.js';

export const KEY_ID_HEADER = 'x-falco-key-id';
export const ISSUED_AT_HEADER = 'x-falco-issued-at';
export const SIGNATURE_HEADER = 'x-falco-signature';

export const DEFAULT_MAX_AGE_MS = 300_000;
/** How far ahead of this clock a sender's may run before its requests are refused as stale. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 30_000;
/** A shorter secret is refused: HMAC-SHA256 is only as strong as its key. */
export const MIN_SECRET_BYTES = 16;

const KEY_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const ISSUED_AT = /^\d{1,15}$/;
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

export interface SignerOptions {
  /** The clock issued-at is read from and checked against, in ms since the epoch. @default Date.now */
  readonly now?: () => number;
  /** @default 30000 */
  readonly maxClockSkewMs?: number;
}

/**
 * A signer for forwarded requests: HMAC-SHA256 over the issued-at and the exact bytes of the body,
 * with the key id in a header. It verifies with any of `keys` (so a key can be rotated in before
 * senders use it, and out after) and signs with `signWith`. There is no default key: no keys is a
 * `ConfigError` (use `unsignedForwarding()` to forward unsigned, on purpose). Errors, `inspect` and
 * `JSON.stringify` of the signer name key ids only, never a secret.
 */
export function createSigner(keys: SigningKeys | undefined, options: SignerOptions = {}): RequestSigner {
  return new HmacSigner(keys, options);
}

class HmacSigner implements RequestSigner {
  readonly #keys = new Map<string, KeyObject>();
  readonly #signWith: string;
  readonly #maxAgeMs: number;
  readonly #maxSkewMs: number;
  readonly #now: () => number;

  constructor(keys: SigningKeys | undefined, options: SignerOptions) {
    if (!keys || typeof keys.keys !== 'object' || keys.keys === null || Object.keys(keys.keys).length === 0) {
      throw new ConfigError('signing needs at least one key: pass { keys: { <id>: <secret> }, signWith: <id> } (secrets of 16 bytes or more, e.g. `openssl rand -hex 32`); falco has no default key');
    }
    for (const [id, secret] of Object.entries(keys.keys)) this.#keys.set(checkKeyId(id), secretKey(id, secret));
    if (!this.#keys.has(keys.signWith)) {
      throw new ConfigError(`signWith ${JSON.stringify(keys.signWith)?.slice(0, 80)} is not one of the signing keys (${this.keyIds.join(', ')}): name one of them`);
    }
    this.#signWith = keys.signWith;
    this.#maxAgeMs = positiveMs('maxAgeMs', keys.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
    this.#maxSkewMs = positiveMs('maxClockSkewMs', options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS);
    this.#now = options.now ?? Date.now;
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  sign(body: Uint8Array): SignatureHeaders {
    const issuedAt = String(Math.floor(this.#now()));
    return {
      [KEY_ID_HEADER]: this.#signWith,
      [ISSUED_AT_HEADER]: issuedAt,
      [SIGNATURE_HEADER]: `sha256=${mac(this.#keys.get(this.#signWith)!, issuedAt, body).toString('hex')}`,
    };
  }

  verify(body: Uint8Array, headers: ReceivedHeaders): void {
    const [keyId, issuedAt, signature] = [KEY_ID_HEADER, ISSUED_AT_HEADER, SIGNATURE_HEADER].map((name) => header(headers, name));
    const absent = [[KEY_ID_HEADER, keyId], [ISSUED_AT_HEADER, issuedAt], [SIGNATURE_HEADER, signature]].filter(([, value]) => !value).map(([name]) => name);
    if (absent.length > 0) throw new SignatureError('missing', `the forwarded request is not signed: it has no ${absent.join(', ')} header; is its sender configured with signing keys?`);
    const key = this.#keys.get(keyId!);
    if (!key) {
      throw new SignatureError('unknownKey', `the forwarded request is signed with key ${JSON.stringify(keyId!.slice(0, 64))}, which this receiver does not accept (it accepts ${this.keyIds.join(', ')}): add that key to keys`);
    }
    if (!ISSUED_AT.test(issuedAt!) || !SIGNATURE.test(signature!) || !timingSafeEqual(Buffer.from(signature!.slice('sha256='.length), 'hex'), mac(key, issuedAt!, body))) {
      throw new SignatureError('tampered', `the forwarded request's signature (key "${keyId}") does not match its body and issued-at: they were changed on the way, or the sender holds another secret for "${keyId}"`);
    }
    const age = this.#now() - Number(issuedAt);
    if (age > this.#maxAgeMs) throw new SignatureError('stale', `the forwarded request was issued ${age} ms ago, longer than maxAgeMs (${this.#maxAgeMs} ms): refused as stale`);
    if (-age > this.#maxSkewMs) throw new SignatureError('stale', `the forwarded request claims to be issued ${-age} ms in the future, more than maxClockSkewMs (${this.#maxSkewMs} ms) ahead: refused; check the senders' clocks`);
  }

  toJSON(): { keyIds: string[]; signWith: string; maxAgeMs: number } {
    return { keyIds: this.keyIds, signWith: this.#signWith, maxAgeMs: this.#maxAgeMs };
  }

  [inspect.custom](): string {
    return `RequestSigner ${inspect(this.toJSON())}`;
  }
}

/**
 * A signer that signs nothing and accepts everything: forwarding without a signature, for a
 * pipeline that runs where nobody else can reach its function. Only ever used when asked for.
 */
export function unsignedForwarding(): RequestSigner {
  return {
    sign: () => ({ [KEY_ID_HEADER]: 'unsigned', [ISSUED_AT_HEADER]: String(Date.now()), [SIGNATURE_HEADER]: 'unsigned' }),
    verify: () => {},
  };
}

function mac(key: KeyObject, issuedAt: string, body: Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${issuedAt}.`).update(body).digest();
}

/**
 * A header by name in any letter case (Node lowers them; a hand-made record may not). A header
 * sent twice is refused: which copy the signature meant is not for the receiver to guess.
 */
function header(headers: ReceivedHeaders, name: string): string | undefined {
  const value = headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  if (typeof value === 'string' || value === undefined) return value;
  if (value.length === 1) return value[0];
  throw new SignatureError('tampered', `the forwarded request carries the ${name} header ${value.length} times: it must carry it once`);
}

function checkKeyId(id: string): string {
  if (!KEY_ID.test(id)) throw new ConfigError(`signing key id ${JSON.stringify(id.slice(0, 80))} cannot go in a header: use 1 to 64 letters, digits, ".", "_", ":" or "-"`);
  return id;
}

function secretKey(id: string, secret: string | Uint8Array): KeyObject {
  const bytes = typeof secret === 'string' ? Buffer.from(secret) : secret instanceof Uint8Array ? Buffer.from(secret) : undefined;
  if (!bytes || bytes.length < MIN_SECRET_BYTES) {
    const what = bytes ? `${bytes.length} bytes` : `a ${typeof secret}`;
    throw new ConfigError(`the secret of signing key "${id}" is ${what}: use a string or bytes of at least ${MIN_SECRET_BYTES} bytes (e.g. \`openssl rand -hex 32\`)`);
  }
  return createSecretKey(bytes);
}

function positiveMs(name: string, value: number): number {
  return positiveInteger(value, `${name} of the signing keys`, 'milliseconds');
}
