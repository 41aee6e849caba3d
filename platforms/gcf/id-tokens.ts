import type { GoogleAuth, IdTokenClient } from 'google-auth-library';

/**
 * Identity tokens for calling functions, one ID token client per function URL (the token's
 * audience). The library caches each token and fetches a new one before it expires; concurrent
 * calls share one fetch, so a burst of first calls asks for one token, not a thousand.
 */
export class IdentityTokens {
  readonly #auth: GoogleAuth;
  readonly #clients = new Map<string, Promise<IdTokenClient>>();
  readonly #pending = new Map<string, Promise<string>>();
  readonly #latest = new Map<string, string>();

  constructor(auth: GoogleAuth) {
    this.#auth = auth;
  }

  /** The `Authorization` header for a call to `audience`. */
  authorization(audience: string): Promise<string> {
    let pending = this.#pending.get(audience);
    if (!pending) {
      pending = this.#fetch(audience).finally(() => this.#pending.delete(audience));
      this.#pending.set(audience, pending);
    }
    return pending;
  }

  /** The tokens handed out so far, to redact. */
  secrets(): string[] {
    return [...this.#latest.values()];
  }

  forget(audience: string): void {
    this.#clients.delete(audience);
    this.#latest.delete(audience);
  }

  async #fetch(audience: string): Promise<string> {
    let client = this.#clients.get(audience);
    if (!client) {
      client = this.#auth.getIdTokenClient(audience);
      this.#clients.set(audience, client);
      client.catch(() => this.#clients.delete(audience));
    }
    const headers = await (await client).getRequestHeaders();
    const authorization = headers.get('authorization');
    if (!authorization) throw new Error('the ID token client returned no authorization header');
    this.#latest.set(audience, authorization.replace(/^Bearer /, ''));
    return authorization;
  }
}
