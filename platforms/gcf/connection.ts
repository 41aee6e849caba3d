import { v2 } from '@google-cloud/functions';
import { GoogleAuth, type AuthClient, type JWTInput } from 'google-auth-library';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../src/errors.js';
import { redact } from '../../src/secrets.js';
import { transportOf, type ResolvedGcfOptions } from './options.js';

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Where google-auth-library always sends a service account's token request, whatever the key says. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** Fields of a key file that are secret; they are removed from every message. */
const SECRET_FIELDS = ['private_key', 'client_secret', 'refresh_token'];

/** A project and region reached with one set of credentials. */
export interface Connection {
  readonly client: v2.FunctionServiceClient;
  /** For identity tokens; the client keeps its own, built from the same key. */
  readonly auth: GoogleAuth;
  readonly project: string;
  /** `projects/{project}/locations/{region}` */
  readonly parent: string;
  /** Secret values of the key, to redact. */
  readonly secrets: readonly string[];
}

interface Key {
  readonly credentials?: Record<string, unknown>;
  readonly keyFilename?: string;
}

export async function connect(options: ResolvedGcfOptions): Promise<Connection> {
  const key = await loadKey(options);
  const credentials = key.credentials as JWTInput | undefined;
  const keyOptions = { ...(credentials ? { credentials } : {}), ...(key.keyFilename ? { keyFilename: key.keyFilename } : {}) };
  const secrets = SECRET_FIELDS.map((field) => key.credentials?.[field]).filter((value): value is string => typeof value === 'string');
  const auth = new GoogleAuth({ ...keyOptions, scopes: [CLOUD_PLATFORM_SCOPE] });
  // Credentials first: without them, nothing else can be found out or done.
  const authClient = await withCredentials(key, secrets, () => auth.getClient());
  const project = await resolveProject(options, key, auth);
  routeTokenRequests(authClient, key.credentials);
  const client = new v2.FunctionServiceClient({ ...keyOptions, projectId: project, ...transportOf(options) });
  // Every method of the client leaves a rejected copy of a failed initialisation unhandled
  // (`this.initialize().catch(err => { throw err; })`), which crashes the process: so it is
  // initialised here, once, and never called when that failed.
  try {
    await withCredentials(key, secrets, () => client.initialize());
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return { client, auth, project, parent: `projects/${project}/locations/${options.region}`, secrets };
}

const HOW_TO_AUTHENTICATE =
  'give a service account key with the credentials option (its JSON) or keyFilename (its path), ' +
  'set GOOGLE_APPLICATION_CREDENTIALS to a key file, or set up Application Default Credentials ' +
  '(`gcloud auth application-default login`, or run on Google Cloud)';

/** Runs a step that needs the credentials; their failure is a ConfigError that says how to give them. */
async function withCredentials<T>(key: Key, secrets: readonly string[], step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const reason = redact(error instanceof Error ? error.message : String(error), secrets);
    const given = key.credentials || key.keyFilename;
    const message = given
      ? `gcf: the credentials given cannot be used: ${reason}`
      : `gcf: no usable Google Cloud credentials (${reason}): ${HOW_TO_AUTHENTICATE}`;
    throw new ConfigError(message, { cause: error });
  }
}

/**
 * The key as JSON where there is one: from the options, a `.json` key file or
 * GOOGLE_APPLICATION_CREDENTIALS. Reading it here lets the adapter redact its secrets and honour
 * its `token_uri`. Other key files (.p12, .pem) go to the library as they are.
 */
async function loadKey(options: ResolvedGcfOptions): Promise<Key> {
  if (options.credentials) return { credentials: options.credentials };
  const file = options.keyFilename ?? process.env.GOOGLE_APPLICATION_CREDENTIALS;
  if (!file) return {};
  if (!file.endsWith('.json')) return { keyFilename: file };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`gcf: cannot read the key file ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`, { cause: error });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return { credentials: parsed as Record<string, unknown> };
  } catch {
    // The parser's message quotes the file; the key must not reach a message.
  }
  throw new ConfigError(`gcf: the key file ${file} is not a JSON object`);
}

async function resolveProject(options: ResolvedGcfOptions, key: Key, auth: GoogleAuth): Promise<string> {
  const known =
    options.projectId ??
    process.env.GOOGLE_CLOUD_PROJECT ??
    process.env.GCLOUD_PROJECT ??
    (typeof key.credentials?.project_id === 'string' ? key.credentials.project_id : undefined);
  if (known) return known;
  const missing = 'gcf: no Google Cloud project: set the projectId option or GOOGLE_CLOUD_PROJECT';
  // Only Application Default Credentials (gcloud's configuration, the metadata server) may still know it.
  if (key.credentials || key.keyFilename) throw new ConfigError(missing);
  try {
    return await auth.getProjectId();
  } catch (error) {
    throw new ConfigError(missing, { cause: error });
  }
}

/**
 * google-auth-library sends a service account's token requests to Google's own endpoint and
 * ignores the key's `token_uri`. A key that names another endpoint (Private Service Connect, a
 * test double) gets its token requests sent there; the assertion's audience stays Google's.
 */
function routeTokenRequests(client: AuthClient, credentials: Record<string, unknown> | undefined): void {
  const tokenUri = credentials?.type === 'service_account' ? credentials.token_uri : undefined;
  if (typeof tokenUri !== 'string' || tokenUri === GOOGLE_TOKEN_URL) return;
  client.transporter.interceptors.request.add({
    resolved: async (request) => {
      if (request.url.toString() === GOOGLE_TOKEN_URL) request.url = new URL(tokenUri);
      return request;
    },
  });
}
