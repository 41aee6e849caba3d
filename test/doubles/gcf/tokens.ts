import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { decodeJwt, signJwt, verifyJwt } from './jwt.js';

/** The audience google-auth-library signs every service-account assertion for. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_LIFETIME_S = 3600;

export interface TokenAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * Google's OAuth side, for the double: a token endpoint that checks service-account assertions
 * against the registered public keys and issues access tokens or ID tokens, and the checks the
 * API and the functions' front end make on the tokens they are shown.
 */
export class TokenService {
  readonly #accounts = new Map<string, KeyObject>();
  readonly #accessTokens = new Set<string>();
  readonly #denied = new Set<string>();
  #idKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  #idKeyId = randomBytes(8).toString('hex');
  /** ID tokens issued, for tests that look for them where they must not be. */
  readonly issuedIdTokens: string[] = [];

  register(email: string, publicKey: KeyObject): void {
    this.#accounts.set(email, publicKey);
  }

  forget(email: string): void {
    this.#accounts.delete(email);
  }

  /** From now on, calls by `email` are refused with 403, as without the invoker role. */
  denyInvoker(email: string): void {
    this.#denied.add(email);
  }

  /** Rotates the key ID tokens are signed with: every token issued so far stops being valid. */
  revokeIdTokens(): void {
    this.#idKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#idKeyId = randomBytes(8).toString('hex');
  }

  /** `POST /token`: the JWT-bearer grant, as oauth2.googleapis.com answers it. */
  exchange(form: URLSearchParams): TokenAnswer {
    if (form.get('grant_type') !== JWT_BEARER) return invalid('unsupported_grant_type', 'Invalid grant_type.');
    const assertion = form.get('assertion') ?? '';
    const issuer = decodeJwt(assertion)?.iss;
    const key = typeof issuer === 'string' ? this.#accounts.get(issuer) : undefined;
    const claims = key ? verifyJwt(assertion, key) : undefined;
    if (!claims) return invalid('invalid_grant', 'Invalid JWT Signature.');
    if (claims.aud !== GOOGLE_TOKEN_URL) return invalid('invalid_grant', 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.');
    const audience = claims.target_audience;
    if (typeof audience === 'string') return { status: 200, body: { id_token: this.#idToken(String(issuer), audience) } };
    const accessToken = `ya29.double-${randomBytes(24).toString('hex')}`;
    this.#accessTokens.add(accessToken);
    return { status: 200, body: { access_token: accessToken, expires_in: TOKEN_LIFETIME_S - 1, token_type: 'Bearer' } };
  }

  /** An API call's bearer token: one this endpoint issued, or a self-signed JWT of a registered account. */
  checkApiToken(authorization: string | undefined): boolean {
    const token = bearer(authorization);
    if (!token) return false;
    if (this.#accessTokens.has(token)) return true;
    const issuer = decodeJwt(token)?.iss;
    const key = typeof issuer === 'string' ? this.#accounts.get(issuer) : undefined;
    return key !== undefined && verifyJwt(token, key) !== undefined;
  }

  /** A function call's ID token: 401 when missing or invalid (or for another audience), 403 when denied. */
  checkIdToken(authorization: string | undefined, audience: string): 200 | 401 | 403 {
    const token = bearer(authorization);
    const claims = token ? verifyJwt(token, this.#idKeys.publicKey) : undefined;
    if (!claims || claims.aud !== audience) return 401;
    return this.#denied.has(String(claims.email)) ? 403 : 200;
  }

  #idToken(email: string, audience: string): string {
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = signJwt(
      { iss: 'https://accounts.google.com', aud: audience, azp: email, email, email_verified: true, sub: email, iat: issuedAt, exp: issuedAt + TOKEN_LIFETIME_S },
      this.#idKeys.privateKey,
      this.#idKeyId,
    );
    this.issuedIdTokens.push(token);
    return token;
  }
}

function bearer(authorization: string | undefined): string | undefined {
  return authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
}

function invalid(error: string, description: string): TokenAnswer {
  return { status: 400, body: { error, error_description: description } };
}
