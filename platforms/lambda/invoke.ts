import { InvokeCommand, type InvocationResponse, type LambdaClient } from '@aws-sdk/client-lambda';
import type { PlatformTimings } from '../../src/errors.js';
import type { Deployment, InvokeOptions, InvokeResult } from '../../src/platform.js';
import { functionErrorFrom, lambdaError, PayloadTooLargeError, SYNC_PAYLOAD_LIMIT_BYTES } from './errors.js';
import { timingsFromLogTail } from './report.js';
import { sendOptions } from './clients.js';

export interface InvokeSettings {
  readonly client: LambdaClient;
  readonly logTail: boolean;
  readonly secrets: readonly string[];
}

/** A synchronous (RequestResponse) call; the input is the event, and the function's result is the output. */
export async function invokeFunction<O>(
  deployment: Deployment,
  input: unknown,
  options: InvokeOptions,
  settings: InvokeSettings,
): Promise<InvokeResult<O>> {
  const payload = Buffer.from(JSON.stringify(input === undefined ? {} : input));
  if (payload.byteLength > SYNC_PAYLOAD_LIMIT_BYTES) {
    throw new PayloadTooLargeError(
      `invocation "${options.invocationId}": its input is ${payload.byteLength} bytes as JSON, but a synchronous Lambda call ` +
        `takes at most ${SYNC_PAYLOAD_LIMIT_BYTES} bytes (6 MB): split the input, or pass a reference to the data (e.g. an S3 key)`,
    );
  }
  let response: InvocationResponse & { $metadata: { requestId?: string } };
  try {
    response = await settings.client.send(
      new InvokeCommand({
        FunctionName: deployment.name,
        InvocationType: 'RequestResponse',
        Payload: payload,
        ...(settings.logTail ? { LogType: 'Tail' as const } : {}),
      }),
      sendOptions(options.signal),
    );
  } catch (error) {
    throw lambdaError(error, `invoking "${deployment.name}"`, settings.secrets);
  }
  const { requestId } = response.$metadata;
  const timings: PlatformTimings = { ...(requestId ? { activationId: requestId } : {}), ...timingsFromLogTail(response.LogResult) };
  const body = Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8');
  if (response.FunctionError) throw functionErrorFrom(body, response.FunctionError, timings);
  return { ...timings, output: decode(body) as O };
}

/** The function's JSON result; a body that is not JSON is passed on as text. */
function decode(body: string): unknown {
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
