import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { z } from 'zod';
import type { connectionSchema } from './options.js';

type Connection = z.output<typeof connectionSchema>;

function baseConfig({ region, endpoint, credentials, profile }: Connection) {
  return {
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials: withoutUndefined(credentials) } : {}),
    ...(profile ? { profile } : {}),
  };
}

/** A send's options: the SDK's types take no `abortSignal: undefined`. */
export function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}

/** The credentials without a session token's key where there is none: the SDK's types take no `sessionToken: undefined`. */
function withoutUndefined({ sessionToken, ...keys }: NonNullable<Connection['credentials']>): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  return sessionToken ? { ...keys, sessionToken } : keys;
}

/**
 * The client for invocations: one SDK attempt, because falco's retry policy owns those retries
 * (counted and backed off in one place), and keep-alive sockets sized to the executor's
 * concurrency (the SDK's default of 50 caps throughput silently).
 */
export function invokeClient(options: Connection, maxSockets: number): LambdaClient {
  const agent = { keepAlive: true, maxSockets };
  return new LambdaClient({
    ...baseConfig(options),
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new HttpAgent(agent), httpsAgent: new HttpsAgent(agent) }),
  });
}

/** The client for deploy, wait, look-up and delete: the SDK's own retries, as a throttled CreateFunction should not fail a run. */
export function controlClient(options: Connection): LambdaClient {
  return new LambdaClient(baseConfig(options));
}

export function iamClient(options: Connection): IAMClient {
  return new IAMClient(baseConfig(options));
}
