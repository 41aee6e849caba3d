import { DeleteFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { lambdaError } from './errors.js';
import { sendOptions } from './clients.js';

/** Deletes a function; one that is already gone counts as deleted. */
export async function deleteFunction(
  client: LambdaClient,
  name: string,
  signal: AbortSignal | undefined,
  secrets: readonly string[],
): Promise<void> {
  try {
    await client.send(new DeleteFunctionCommand({ FunctionName: name }), sendOptions(signal));
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return;
    throw lambdaError(error, `deleting function "${name}"`, secrets);
  }
}
