import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { ConfigError } from '../../src/errors.js';
import { SignatureError, type SignatureErrorKind } from '../../flows/pipeline/errors.js';
import type { SigningKeys } from '../../flows/pipeline/forwarding-types.js';
import { createSigner, unsignedForwarding } from '../../flows/pipeline/signing.js';

const OLD_SECRET = 'old-secret-0123456789abcdef';
const NEW_SECRET = Buffer.from('fresh secret bytes, 32 of them!!');
const body = Buffer.from(JSON.stringify({ requestId: 'r1', position: 2, data: { n: 7 } }));

/** A clock the test moves by hand. */
function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function refused(kind: SignatureErrorKind, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof SignatureError, `a SignatureError, not ${String(error)}`);
    assert.equal(error.kind, kind);
    if (message) assert.match(error.message, message);
    return true;
  };
}

describe('request signing', () => {
  const keys: SigningKeys = { keys: { k1: OLD_SECRET }, signWith: 'k1' };

  it('signs the issued-at and the exact body bytes, and verifies them', () => {
    const signer = createSigner(keys);
    const headers = signer.sign(body);
    assert.equal(headers['x-falco-key-id'], 'k1');
    assert.match(headers['x-falco-issued-at'], /^\d+$/);
    assert.match(headers['x-falco-signature'], /^sha256=[0-9a-f]{64}$/);
    signer.verify(body, headers);
    signer.verify(new Uint8Array(body), { 'X-Falco-Key-Id': headers['x-falco-key-id'], 'X-Falco-Issued-At': headers['x-falco-issued-at'], 'X-Falco-Signature': headers['x-falco-signature'] });
  });

  it('verifies over HTTP what the sender signed, with the headers Node received', async () => {
    const signer = createSigner(keys);
    const outcomes: string[] = [];
    const server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      try {
        signer.verify(Buffer.concat(chunks), request.headers);
        outcomes.push('accepted');
      } catch (error) {
        outcomes.push(error instanceof SignatureError ? error.kind : String(error));
      }
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await fetch(url, { method: 'POST', body, headers: signer.sign(body) });
      await fetch(url, { method: 'POST', body: Buffer.concat([body, Buffer.from(' ')]), headers: signer.sign(body) });
      await fetch(url, { method: 'POST', body });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    assert.deepEqual(outcomes, ['accepted', 'tampered', 'missing']);
  });

  it('refuses a tampered body, a re-serialised body and a changed issued-at as tampered', () => {
    const signer = createSigner(keys);
    const headers = signer.sign(body);
    const changed = Buffer.from(body);
    changed[changed.length - 3]! ^= 1;
    assert.throws(() => signer.verify(changed, headers), refused('tampered', /key "k1"/));
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    assert.throws(() => signer.verify(reserialised, headers), refused('tampered'));
    const issuedAt = String(Number(headers['x-falco-issued-at']) + 1);
    assert.throws(() => signer.verify(body, { ...headers, 'x-falco-issued-at': issuedAt }), refused('tampered'));
    assert.throws(() => signer.verify(body, { ...headers, 'x-falco-signature': 'sha256=abc' }), refused('tampered'));
    const twice = [headers['x-falco-signature'], headers['x-falco-signature']];
    assert.throws(() => signer.verify(body, { ...headers, 'x-falco-signature': twice }), refused('tampered', /x-falco-signature header 2 times/));
  });

  it('refuses a request signed with another secret (tampered) or with a key id it does not know (unknownKey)', () => {
    const sender = createSigner(keys);
    const sameIdOtherSecret = createSigner({ keys: { k1: 'a different secret, long enough' }, signWith: 'k1' });
    assert.throws(() => sameIdOtherSecret.verify(body, sender.sign(body)), refused('tampered'));
    const otherId = createSigner({ keys: { k9: OLD_SECRET }, signWith: 'k9' });
    assert.throws(() => otherId.verify(body, sender.sign(body)), refused('unknownKey', /signed with key "k1", which this receiver does not accept \(it accepts k9\)/));
  });

  it('refuses a request with a signature header missing, naming the header', () => {
    const signer = createSigner(keys);
    const headers = signer.sign(body);
    assert.throws(() => signer.verify(body, {}), refused('missing', /x-falco-key-id, x-falco-issued-at, x-falco-signature/));
    assert.throws(() => signer.verify(body, { ...headers, 'x-falco-signature': undefined }), refused('missing', /no x-falco-signature header/));
    assert.throws(() => signer.verify(body, { ...headers, 'x-falco-key-id': '' }), refused('missing', /no x-falco-key-id header/));
  });

  it('refuses a request older than maxAgeMs, or too far in the future, as stale', () => {
    const time = clock();
    const signer = createSigner({ ...keys, maxAgeMs: 60_000 }, { now: time.now, maxClockSkewMs: 5_000 });
    const headers = signer.sign(body);
    time.advance(60_000);
    signer.verify(body, headers);
    time.advance(1);
    assert.throws(() => signer.verify(body, headers), refused('stale', /issued 60001 ms ago, longer than maxAgeMs \(60000 ms\)/));
    const ahead = createSigner(keys, { now: () => time.now() + 5_001 }).sign(body);
    assert.throws(() => signer.verify(body, ahead), refused('stale', /5001 ms in the future/));
    signer.verify(body, createSigner(keys, { now: () => time.now() + 5_000 }).sign(body));
  });

  it('rotates keys: the receiver accepts old and new, the sender signs with the new one', () => {
    const oldSender = createSigner(keys);
    const rotated = createSigner({ keys: { k1: OLD_SECRET, k2: NEW_SECRET }, signWith: 'k2' });
    const inFlight = oldSender.sign(body);
    rotated.verify(body, inFlight);
    const fresh = rotated.sign(body);
    assert.equal(fresh['x-falco-key-id'], 'k2');
    rotated.verify(body, fresh);
    assert.throws(() => oldSender.verify(body, fresh), refused('unknownKey'));
    const retired = createSigner({ keys: { k2: NEW_SECRET }, signWith: 'k2' });
    assert.throws(() => retired.verify(body, inFlight), refused('unknownKey'));
  });

  it('has no default key: refuses no keys, an empty or short secret and a signWith not among the keys', () => {
    const cases: Array<[SigningKeys | undefined, RegExp]> = [
      [undefined, /at least one key.*no default key/],
      [{ keys: {}, signWith: 'k1' }, /at least one key/],
      [{ keys: { k1: '' }, signWith: 'k1' }, /secret of signing key "k1" is 0 bytes/],
      [{ keys: { k1: 'short-secret' }, signWith: 'k1' }, /secret of signing key "k1" is 12 bytes: use .* at least 16 bytes/],
      [{ keys: { k1: OLD_SECRET }, signWith: 'k2' }, /signWith "k2" is not one of the signing keys \(k1\)/],
      [{ keys: { 'bad id': OLD_SECRET }, signWith: 'bad id' }, /key id "bad id" cannot go in a header/],
      [{ ...keys, maxAgeMs: -1 }, /maxAgeMs/],
    ];
    for (const [given, message] of cases) {
      assert.throws(() => createSigner(given), (error: Error) => error instanceof ConfigError && message.test(error.message) && !error.message.includes(OLD_SECRET) && !error.message.includes('short-secret'), String(message));
    }
  });

  it('never shows a secret: not in errors, inspect or JSON of the signer', () => {
    const time = clock();
    const signer = createSigner({ keys: { k1: OLD_SECRET, k2: NEW_SECRET }, signWith: 'k2' }, { now: time.now });
    const headers = signer.sign(body);
    const seen: string[] = [inspect(signer, { showHidden: true, depth: Infinity }), JSON.stringify(signer), String(signer)];
    for (const attempt of [() => signer.verify(Buffer.from('x'), headers), () => signer.verify(body, { ...headers, 'x-falco-key-id': 'k3' }), () => signer.verify(body, {})]) {
      try {
        attempt();
      } catch (error) {
        seen.push(inspect(error, { showHidden: true, depth: Infinity }));
      }
    }
    time.advance(10 * 60_000);
    assert.throws(() => signer.verify(body, headers), (error: Error) => (seen.push(inspect(error)), true));
    assert.equal(seen.length, 7);
    assert.match(seen[0]!, /RequestSigner .*k1.*k2/s);
    const forms = [OLD_SECRET, NEW_SECRET.toString(), NEW_SECRET.toString('hex'), NEW_SECRET.toString('base64'), Buffer.from(OLD_SECRET).toString('hex'), Buffer.from(OLD_SECRET).toString('base64')];
    for (const text of seen) for (const form of forms) assert.ok(!text.includes(form), `a secret in: ${text}`);
  });

  it('forwards unsigned only when asked: unsignedForwarding accepts any request', () => {
    const unsigned = unsignedForwarding();
    unsigned.verify(body, {});
    unsigned.verify(body, unsigned.sign(body));
    assert.throws(() => createSigner(keys).verify(body, unsigned.sign(body)), refused('unknownKey'));
  });
});
