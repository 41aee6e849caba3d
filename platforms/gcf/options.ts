import { z } from 'zod';
import { parseOptions } from '../../src/options.js';
import type { Expect, MatchesSchema } from '../../src/schema-check.js';

/** Where and as whom to reach Google Cloud Functions (v2); shared by the platform and `cleanupGcf`. */
export interface GcfOptions {
  /** The Google Cloud project id. @default GOOGLE_CLOUD_PROJECT, GCLOUD_PROJECT, the key's project_id, then Application Default Credentials */
  readonly projectId?: string | undefined;
  /** The same as `projectId`, as the CLI's `--project` and gcloud's `--project` call it; give one of the two. */
  readonly project?: string | undefined;
  /** The region functions are deployed in. @default 'us-central1' */
  readonly region?: string | undefined;
  /**
   * A key as its JSON file holds it (service account, authorized user, ...). Only its shape is
   * checked, so that no message ever quotes it. @default `keyFilename`, else GOOGLE_APPLICATION_CREDENTIALS, else Application Default Credentials
   */
  readonly credentials?: Readonly<Record<string, unknown>> | undefined;
  /** A key file's path; give either this or `credentials`. */
  readonly keyFilename?: string | undefined;
  /** The API's base URL in one option, e.g. `http://127.0.0.1:8080`: sets apiEndpoint, protocol and REST. @default Google's */
  readonly endpoint?: string | undefined;
  /** `host` or `host:port` of the API, for private endpoints and tests. @default Google's */
  readonly apiEndpoint?: string | undefined;
  /** Plain `http` only with `apiEndpoint` and REST (`fallback: true`), for tests. @default 'https' */
  readonly protocol?: 'https' | 'http' | undefined;
  /** True: REST (HTTP/1.1 JSON) instead of gRPC. @default false */
  readonly fallback?: boolean | undefined;
  /** Keep-alive sockets to each function, and the ceiling of the executors' default AIMD window. @default 100 (the instances a function may scale to unless told otherwise) */
  readonly maxSockets?: number | undefined;
  /** How long creating or deleting a function may take, in milliseconds; real deployments take minutes. @default 600000 */
  readonly operationTimeoutMs?: number | undefined;
}

const projectIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a project id: 6-30 lower-case letters, digits or dashes')
  .optional();

/** Where and as whom to reach Cloud Functions; shared by the platform and `cleanupGcf`. */
export const gcfOptionsSchema = z
  .object({
    /** Else GOOGLE_CLOUD_PROJECT, GCLOUD_PROJECT, the key's project_id, then Application Default Credentials. */
    projectId: projectIdSchema,
    /** The same as `projectId`, as the CLI's `--project` and gcloud's `--project` call it. */
    project: projectIdSchema,
    region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, 'must be a region such as "us-central1"').default('us-central1'),
    /**
     * A key as its JSON file holds it (service account, authorized user, ...). Else `keyFilename`,
     * else GOOGLE_APPLICATION_CREDENTIALS, else Application Default Credentials. Only its shape is
     * checked, so that no message ever quotes it.
     */
    credentials: z.record(z.string(), z.unknown()).optional(),
    keyFilename: z.string().min(1).optional(),
    /** The API's base URL in one option, e.g. `http://127.0.0.1:8080`: sets apiEndpoint, protocol and REST. */
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** `host` or `host:port` of the API, for private endpoints and tests. */
    apiEndpoint: z.string().regex(/^[\w.-]+(:\d+)?$/, 'must be host or host:port').optional(),
    /** Plain `http` only with `apiEndpoint` and REST, for tests. */
    protocol: z.enum(['https', 'http']).optional(),
    /** True: REST (HTTP/1.1 JSON) instead of gRPC. */
    fallback: z.boolean().optional(),
    /**
     * Keep-alive sockets to each function, and the ceiling of the executors' default AIMD window.
     * The default is the instances a function may scale to unless told otherwise (100).
     */
    maxSockets: z.number().int().positive('must be a positive integer').default(100),
    /** How long creating or deleting a function may take; real deployments take minutes. */
    operationTimeoutMs: z.number().int().positive('must be a positive number of milliseconds').default(600_000),
  })
  .strict()
  .superRefine((options, context) => {
    if (options.project && options.projectId) {
      context.addIssue({ code: 'custom', path: ['project'], message: 'give either project or projectId (the same option), not both' });
    }
    if (options.credentials && options.keyFilename) {
      context.addIssue({ code: 'custom', path: ['keyFilename'], message: 'give either credentials or keyFilename, not both' });
    }
    if (options.endpoint && (options.apiEndpoint || options.protocol || options.fallback === false)) {
      context.addIssue({ code: 'custom', path: ['endpoint'], message: 'give either endpoint or apiEndpoint/protocol/fallback, not both' });
    }
    if (options.protocol === 'http' && (!options.apiEndpoint || options.fallback !== true)) {
      context.addIssue({ code: 'custom', path: ['protocol'], message: 'plain http needs apiEndpoint and fallback: true (REST)' });
    }
  })
  .transform(({ project, ...options }) => ({ ...options, projectId: options.projectId ?? project }));

type _Check = Expect<MatchesSchema<GcfOptions, typeof gcfOptionsSchema>>;
export type ResolvedGcfOptions = z.output<typeof gcfOptionsSchema>;

export function parseGcfOptions(options: GcfOptions | undefined): ResolvedGcfOptions {
  return parseOptions(gcfOptionsSchema, options, 'gcf platform');
}

export interface Transport {
  apiEndpoint?: string;
  port?: number;
  protocol?: string;
  fallback?: boolean;
}

/**
 * The API transport the client is built with. The client takes the port apart from the host (a
 * port inside `apiEndpoint` is overridden by its default 443), so `host:port` is split here.
 */
export function transportOf(options: ResolvedGcfOptions): Transport {
  if (options.endpoint) {
    const url = new URL(options.endpoint);
    const protocol = url.protocol.slice(0, -1);
    return { apiEndpoint: url.hostname, port: Number(url.port || (protocol === 'http' ? 80 : 443)), protocol, fallback: true };
  }
  const [host, port] = options.apiEndpoint?.split(':') ?? [];
  return {
    ...(host ? { apiEndpoint: host } : {}),
    ...(port ? { port: Number(port) } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
    ...(options.fallback !== undefined ? { fallback: options.fallback } : {}),
  };
}
