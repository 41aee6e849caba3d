import { z } from 'zod';
import { parseOptions } from '../../src/options.js';
import type { Expect, MatchesSchema } from '../../src/schema-check.js';

/** Static AWS credentials. Only their presence is checked, so that no message ever quotes them. */
export interface LambdaCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** Where and as whom to reach Lambda; shared by the platform and `cleanupLambda`. */
export interface LambdaConnectionOptions {
  /** The AWS region. @default the SDK's chain: AWS_REGION, the shared config file, ... */
  readonly region?: string | undefined;
  /** Overrides the service endpoint (Lambda and IAM both), an http(s) URL: for tests and Lambda-compatible services. @default AWS's */
  readonly endpoint?: string | undefined;
  /** @default the SDK's chain: environment, shared credentials and config files, SSO, IMDS, ... */
  readonly credentials?: LambdaCredentials | undefined;
  /** A profile of the shared config files. @default AWS_PROFILE, else "default" */
  readonly profile?: string | undefined;
}

/** The Lambda platform's options: where to reach it, and how functions are deployed and called. */
export interface LambdaOptions extends LambdaConnectionOptions {
  /** The functions' execution role, an IAM role ARN. @default `roleName`, reused or created (basic execution only) */
  readonly roleArn?: string | undefined;
  /** The execution role reused or created when no `roleArn` is given. @default 'falco-lambda-execution' */
  readonly roleName?: string | undefined;
  /** The functions' instruction set. @default 'x86_64' */
  readonly architecture?: 'x86_64' | 'arm64' | undefined;
  /** Ask for the log tail of every call, to read the REPORT line (durations, memory, cold start). @default false */
  readonly logTail?: boolean | undefined;
  /**
   * Keep-alive sockets to Lambda; set it to the executor's concurrency. The SDK's own default of 50
   * silently caps throughput. @default 1000 (Lambda's default account concurrency)
   */
  readonly maxSockets?: number | undefined;
  /** How long a deployment may take to become Active (role propagation included), in milliseconds. @default 300000 */
  readonly deployTimeoutMs?: number | undefined;
}

/**
 * Secrets are only checked for presence: a failed check quotes the value it got, and a secret
 * must never reach a message. Not strict: the SDK marks credentials objects it has used (`$source`).
 */
const credentialsSchema = z.object({
  accessKeyId: z.string().min(1, 'must not be empty'),
  secretAccessKey: z.string().min(1, 'must not be empty'),
  sessionToken: z.string().min(1, 'must not be empty').optional(),
});

/** Where and as whom to reach Lambda; shared by the platform and `cleanupLambda`. */
export const connectionSchema = z.object({
  /** Else the SDK's chain: AWS_REGION, the shared config file, ... */
  region: z.string().min(1).optional(),
  /** Overrides the service endpoint (Lambda and IAM both), for tests and Lambda-compatible services. */
  endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Else the SDK's default chain: environment, shared credentials and config files, SSO, IMDS, ... */
  credentials: credentialsSchema.optional(),
  /** A profile of the shared config files; else AWS_PROFILE or "default". */
  profile: z.string().min(1).optional(),
});

export const lambdaOptionsSchema = connectionSchema
  .extend({
    /** The functions' execution role. Without it, `roleName` is reused or created (basic execution only). */
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, 'must be an IAM role ARN').optional(),
    roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be a valid IAM role name').default('falco-lambda-execution'),
    architecture: z.enum(['x86_64', 'arm64']).default('x86_64'),
    /** Ask for the log tail of every call, to read the REPORT line (durations, memory, cold start). */
    logTail: z.boolean().default(false),
    /**
     * Keep-alive sockets to Lambda; set it to the executor's concurrency. The default is Lambda's
     * default account concurrency: the SDK's own default of 50 silently caps throughput.
     */
    maxSockets: z.number().int().positive('must be a positive integer').default(1000),
    /** How long a deployment may take to become Active (including role propagation). */
    deployTimeoutMs: z.number().int().positive('must be a positive number of milliseconds').default(300_000),
  })
  .strict();

type _Checks = [Expect<MatchesSchema<LambdaConnectionOptions, typeof connectionSchema>>, Expect<MatchesSchema<LambdaOptions, typeof lambdaOptionsSchema>>];
export type ResolvedLambdaOptions = z.output<typeof lambdaOptionsSchema>;

export function parseLambdaOptions(options: LambdaOptions | undefined): ResolvedLambdaOptions {
  return parseOptions(lambdaOptionsSchema, options, 'lambda platform');
}

/** The values that must be removed from any text this adapter produces. */
export function secretsOf(options: z.output<typeof connectionSchema>): string[] {
  const { credentials } = options;
  return credentials ? [credentials.secretAccessKey, ...(credentials.sessionToken ? [credentials.sessionToken] : [])] : [];
}
