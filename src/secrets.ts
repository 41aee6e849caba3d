/**
 * Removes secrets from text that may reach a log, an error message or a record. Each secret is
 * also removed in the base64 form an HTTP Basic `Authorization` header would carry it in.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of [secret, Buffer.from(secret).toString('base64')]) {
      out = out.split(form).join('***');
    }
  }
  return out;
}

/** Header and query parameter names whose values are secrets: credentials, cookies, tokens, passwords, signatures, keys. */
const SECRET_NAME = /authorization|cookie|token|secret|passw(?:or)?d|credential|signature|session|(?:^|[-_.])(?:api[-_]?)?key$|^sig$|^auth$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * A URL as it may appear in a message, a log or a record: its user name and password, and the
 * values of query parameters named like secrets (`token`, `api_key`, `sig`, ...), as `***`.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<an unparseable URL>';
  }
  if (parsed.username) parsed.username = '***';
  if (parsed.password) parsed.password = '***';
  for (const name of new Set(parsed.searchParams.keys())) if (isSecretName(name)) parsed.searchParams.set(name, '***');
  return parsed.toString();
}
