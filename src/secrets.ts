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
