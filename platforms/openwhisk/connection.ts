import { ConfigError } from '../../src/errors.js';
import type { OpenWhiskSettings } from './options.js';
import { defaultWskpropsPath, readWskprops } from './wskprops.js';

/** Where and as whom to reach OpenWhisk. `token` must never reach a message or a record. */
export interface Connection {
  /** The API root the client resolves paths against, e.g. `https://host/api/v1/`. */
  readonly apiUrl: string;
  /** The host as messages name it: scheme, host and port, no credentials. */
  readonly origin: string;
  readonly token: string;
  readonly namespace: string;
  readonly insecure: boolean;
}

/** Each setting from the options, then the environment, then the wsk properties file, as `wsk` does. */
export async function resolveConnection(settings: OpenWhiskSettings): Promise<Connection> {
  const env = process.env;
  let host = settings.host ?? nonEmpty(env.__OW_API_HOST);
  let token = settings.token ?? nonEmpty(env.__OW_API_KEY);
  let namespace = settings.namespace ?? nonEmpty(env.__OW_NAMESPACE);
  const propsPath = settings.wskprops ?? defaultWskpropsPath();
  if (!host || !token || !namespace) {
    const props = await readWskprops(propsPath, settings.wskprops !== undefined);
    host ??= nonEmpty(props.APIHOST);
    token ??= nonEmpty(props.AUTH);
    namespace ??= nonEmpty(props.NAMESPACE);
  }
  if (!host) throw new ConfigError(`OpenWhisk: no API host: pass { host }, set __OW_API_HOST, or set APIHOST in ${propsPath}`);
  if (!token) throw new ConfigError(`OpenWhisk: no token: pass { token }, set __OW_API_KEY, or set AUTH in ${propsPath}`);
  if (!/^[^:\s]+:[^:\s]+$/.test(token)) {
    throw new ConfigError('OpenWhisk: the token must have the form uuid:key (what `wsk property get --auth` shows)');
  }
  const base = apiBase(host);
  return {
    apiUrl: `${base.origin}${base.pathname.replace(/\/+$/, '')}/api/v1/`,
    origin: base.origin,
    token,
    namespace: namespace ?? '_',
    insecure: settings.insecure,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A host with or without scheme (`https://` assumed, as `wsk` does), as a URL. */
function apiBase(host: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`OpenWhisk: the host "${host}" is not a host name or URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`OpenWhisk: the host "${host}" must use http:// or https://`);
  }
  if (url.username || url.password) {
    throw new ConfigError('OpenWhisk: put credentials in { token }, not in the host URL');
  }
  return url;
}
