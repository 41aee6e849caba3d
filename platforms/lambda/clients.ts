import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { z } from 'zod';
import type { connectionSchema } from './options.js';

type Connection = z.output<typeof connectionSchema>;

function baseConfig(options: Connection) {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
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
