import {
  CreateFunctionCommand,
  GetFunctionCommand,
  PutFunctionConcurrencyCommand,
  waitUntilFunctionActiveV2,
  type CreateFunctionRequest,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { now, sleep } from '../../src/clock.js';
import { DeploymentError, type FalcoError } from '../../src/errors.js';
import { lambdaError } from './errors.js';
import { sendOptions } from './clients.js';

/** Lambda's refusals of the function itself (code, configuration): the deployable must change. */
const REJECTED = new Set([
  'InvalidParameterValueException',
  'CodeStorageExceededException',
  'CodeVerificationFailedException',
  'InvalidCodeSignatureException',
  'RequestTooLargeException',
]);

/** Lambda refuses a role for several seconds after IAM created it. */
const ROLE_NOT_READY = /role defined for the function cannot be assumed/i;

export interface DeployCall {
  readonly client: LambdaClient;
  /** On falco's clock (`now()`): when to give up. */
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly secrets: readonly string[];
}

/** CreateFunction, retried while a new execution role propagates through IAM. */
export async function createFunction(request: CreateFunctionRequest, call: DeployCall): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await call.client.send(new CreateFunctionCommand(request), sendOptions(call.signal));
      return;
    } catch (error) {
      const waitMs = Math.min(attempt * 1000, call.deadline - now());
      if (!ROLE_NOT_READY.test((error as Error).message) || waitMs <= 0) {
        throw deployError(error, `creating function "${request.FunctionName}"`, call.secrets);
      }
      await sleep(waitMs, call.signal);
    }
  }
}

/** Caps how many instances of the function may run at once (its reserved concurrency). */
export async function limitConcurrency(name: string, maxInstances: number, call: DeployCall): Promise<void> {
  try {
    await call.client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: maxInstances }),
      sendOptions(call.signal),
    );
  } catch (error) {
    throw deployError(error, `reserving ${maxInstances} concurrent instances for "${name}"`, call.secrets);
  }
}

/** Waits with the SDK's waiter until the function is Active; a Failed state is a DeploymentError with Lambda's reason. */
export async function waitUntilActive(name: string, call: DeployCall): Promise<void> {
  const maxWaitTime = Math.max(1, Math.ceil((call.deadline - now()) / 1000));
  try {
    await waitUntilFunctionActiveV2(
      { client: call.client, maxWaitTime, ...(call.signal ? sendOptions(call.signal) : {}) },
      { FunctionName: name },
    );
  } catch (error) {
    const context = `waiting for function "${name}" to become Active`;
    const { name: kind } = error as Error;
    if (kind === 'AbortError' || kind === 'TimeoutError') throw lambdaError(error, context, call.secrets);
    const reason = await call.client
      .send(new GetFunctionCommand({ FunctionName: name }), { abortSignal: AbortSignal.timeout(10_000) })
      .then(({ Configuration }) => Configuration?.StateReason ?? `state ${Configuration?.State}`)
      .catch(() => 'its state could not be read');
    throw new DeploymentError(`${context} failed: ${reason}`, { cause: error });
  }
}

function deployError(error: unknown, context: string, secrets: readonly string[]): FalcoError {
  const failure = lambdaError(error, context, secrets);
  if (REJECTED.has((error as Error).name)) {
    return new DeploymentError(failure.message, { cause: error, timings: failure.timings });
  }
  return failure;
}
