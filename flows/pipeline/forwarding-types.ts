/**
 * Keys that sign forwarded pipeline requests: several may be accepted (rotation), one signs. There is
 * no default key: forwarding without keys is a `ConfigError` unless `unsigned: true` is set.
 */
export interface SigningKeys {
  /** Secret per key id; secrets never appear in logs, records or errors (only their ids do). */
  readonly keys: Readonly<Record<string, string | Uint8Array>>;
  /** The key id new requests are signed with; it must be one of `keys`. */
  readonly signWith: string;
  /** A request issued longer ago than this is refused as stale. @default 300000 */
  readonly maxAgeMs?: number;
}

/** How forwarded requests are signed: by keys, by a signer of your own, or (on purpose) not at all. */
export interface SignedForwarding {
  /** The keys requests are signed and checked with (HMAC-SHA256, `createSigner`); every worker needs the same. */
  readonly keys?: SigningKeys;
  /** Or a signer of your own. */
  readonly signer?: RequestSigner;
  /** Forward without signatures: only where nothing else can write to the stream. */
  readonly unsigned?: boolean;
}

/**
 * What travels with a forwarded request's body: the signature covers the exact bytes of the body.
 * A type, not an interface, so `verify(body, sign(body))` type-checks against its header record.
 */
export type SignatureHeaders = {
  readonly 'x-falco-key-id': string;
  /** ms since the epoch, also covered by the signature. */
  readonly 'x-falco-issued-at': string;
  /** `sha256=<hex>` of HMAC-SHA256(key, issuedAt + "." + body). */
  readonly 'x-falco-signature': string;
};

/** Request headers as Node's `IncomingMessage.headers` (or any record) has them; names in any case. */
export type ReceivedHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Signs and checks forwarded requests; `verify` throws a typed error (`SignatureError` and its kinds) and never says why in a way that leaks a secret. */
export interface RequestSigner {
  sign(body: Uint8Array): SignatureHeaders;
  verify(body: Uint8Array, headers: ReceivedHeaders): void;
}

/** Refuses a second delivery of the same (request id, position) pair: the replay guard, kept in a StateManager-backed store. */
export interface ReplayGuard {
  /** True the first time a pair is claimed, false every time after. */
  claim(requestId: string, position: number): Promise<boolean>;
}
