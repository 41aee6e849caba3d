import { createSign, createVerify, type KeyObject } from 'node:crypto';

export type Claims = Record<string, unknown>;

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An RS256 JSON Web Token, as Google signs ID tokens. */
export function signJwt(claims: Claims, key: KeyObject, kid: string): string {
  const unsigned = `${base64url({ alg: 'RS256', typ: 'JWT', kid })}.${base64url(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url')}`;
}

/** The claims of an RS256 token, without checking its signature; undefined when it is not a JWT. */
export function decodeJwt(token: string): Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Claims;
  } catch {
    return undefined;
  }
}

/** The claims of a token signed with `key` that has not expired; undefined otherwise. */
export function verifyJwt(token: string, key: KeyObject): Claims | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return undefined;
  const valid = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(key, Buffer.from(signature, 'base64url'));
  const claims = valid ? decodeJwt(token) : undefined;
  if (!claims || typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return undefined;
  return claims;
}
