import { ConfigError } from '../../src/errors.js';

/**
 * Checks a pipeline's callback URL before anything is sent to it: absolute, http:// or https://
 * only (a `file:`, `data:` or `javascript:` URL is a `ConfigError`). Messages never show the
 * URL's credentials or query; records should show it as `redactUrl` does.
 */
export function checkCallbackUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`the callback URL ${hostAndPath(String(url))} is not an absolute URL: write https://host/path (or http://)`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    // Only the scheme: other schemes have no user info for redactUrl to find (`admin:pw@host` parses as scheme `admin:`).
    throw new ConfigError(`the callback URL uses the ${parsed.protocol} scheme: callbacks go to http:// or https:// URLs only`);
  }
  return parsed;
}

/** What a message may show of text that is not a URL: no query, nothing before an `@` (credentials, maybe). */
function hostAndPath(text: string): string {
  const head = text.split(/[?#]/)[0]!;
  return JSON.stringify(head.slice(head.lastIndexOf('@') + 1).slice(0, 100));
}
