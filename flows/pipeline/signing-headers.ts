import { isSecretName, redact } from '../../src/secrets.js';

/** Headers as a request or response has them (Node's incoming and outgoing header records both fit). */
export type HeaderRecord = Readonly<Record<string, string | number | readonly string[] | undefined>>;

/**
 * Headers as a pipeline's records may keep them: values of secret headers (`Authorization`,
 * cookies, tokens, API keys, `x-falco-signature`, ...) as `***`, and any of `secrets` that shows
 * up in another header's value removed as `redact` removes it. Absent headers are left out.
 */
export function redactHeaders(headers: HeaderRecord, secrets: ReadonlyArray<string | undefined> = []): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) => {
      if (value === undefined) return [];
      const text = typeof value === 'object' ? value.join(', ') : String(value);
      return [[name, isSecretName(name) ? '***' : redact(text, secrets)]];
    }),
  );
}
