import { z } from 'zod';
import { parseOptions } from '../../src/options.js';
import type { Expect, MatchesSchema } from '../../src/schema-check.js';

/** Where and as whom to reach OpenWhisk, and how hard to push it. */
export interface OpenWhiskOptions {
  /** The API host, with or without scheme (`https://` is assumed). @default `__OW_API_HOST`, else `APIHOST` in .wskprops */
  readonly host?: string | undefined;
  /** The `uuid:key` auth token. Never logged nor quoted in errors. @default `__OW_API_KEY`, else `AUTH` in .wskprops */
  readonly token?: string | undefined;
  /** The namespace actions are deployed in. @default `__OW_NAMESPACE`, else `NAMESPACE` in .wskprops, else `_` (the token's own) */
  readonly namespace?: string | undefined;
  /** Skip TLS certificate verification. Only for a host you trust. @default false */
  readonly insecure?: boolean | undefined;
  /** The wsk properties file. @default `$WSK_CONFIG_FILE`, then `~/.wskprops` */
  readonly wskprops?: string | undefined;
  /** Requests in flight at once: the keep-alive agent's sockets, and the ceiling of the default AIMD pacing. @default 64 */
  readonly concurrency?: number | undefined;
  /** Activations one container may run at once (OpenWhisk's `limits.concurrency`). @default the server's default */
  readonly actionConcurrency?: number | undefined;
  /** How long to wait for a TCP (and TLS) connection before calling the host unreachable, in milliseconds. @default 5000 */
  readonly connectTimeoutMs?: number | undefined;
  /** The longest any one HTTP request may take, in milliseconds; covers OpenWhisk's 60 s blocking window. @default 90000 */
  readonly requestTimeoutMs?: number | undefined;
  /** First wait between polls of an activation a blocking call handed back unfinished (HTTP 202), in milliseconds. @default 100 */
  readonly pollIntervalMs?: number | undefined;
}

const schema = z
  .object({
    /** The API host, with or without scheme (`https://` is assumed); else `__OW_API_HOST`, else `APIHOST` in .wskprops. */
    host: z.string().min(1, 'must not be empty').optional(),
    /** The `uuid:key` token; else `__OW_API_KEY`, else `AUTH` in .wskprops. Never logged. */
    token: z.string().min(1, 'must not be empty').optional(),
    /** Else `__OW_NAMESPACE`, else `NAMESPACE` in .wskprops, else `_` (the token's default namespace). */
    namespace: z.string().min(1, 'must not be empty').optional(),
    /** Skip TLS certificate verification. Only for a host you trust; off unless set here. */
    insecure: z.boolean().default(false),
    /** The wsk properties file; defaults to `$WSK_CONFIG_FILE`, then `~/.wskprops`. */
    wskprops: z.string().min(1).optional(),
    /** Requests in flight at once: the keep-alive agent's sockets, and the ceiling of the default AIMD pacing. */
    concurrency: z.number().int().positive('must be 1 or more').default(64),
    /** Activations one container may run at once (OpenWhisk's `limits.concurrency`); the server's default when unset. */
    actionConcurrency: z.number().int().positive('must be 1 or more').optional(),
    /** How long to wait for a TCP (and TLS) connection before calling the host unreachable. */
    connectTimeoutMs: z.number().int().positive('must be a positive number of milliseconds').default(5_000),
    /** The longest any one HTTP request may take; covers OpenWhisk's 60 s blocking window. */
    requestTimeoutMs: z.number().int().positive('must be a positive number of milliseconds').default(90_000),
    /** First wait between polls of an activation a blocking call handed back unfinished (HTTP 202). */
    pollIntervalMs: z.number().int().positive('must be a positive number of milliseconds').default(100),
  })
  .strict();

type _Check = Expect<MatchesSchema<OpenWhiskOptions, typeof schema>>;
export type OpenWhiskSettings = z.output<typeof schema>;

export function parseOpenWhiskOptions(options: OpenWhiskOptions | undefined): OpenWhiskSettings {
  return parseOptions(schema, options, 'OpenWhiskPlatform');
}
