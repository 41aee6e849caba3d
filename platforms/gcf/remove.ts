import { sleep } from '../../src/clock.js';
import { toFalcoError } from '../../src/errors.js';
import type { Connection } from './connection.js';
import { apiError, failureOf, isNotFound } from './errors.js';
import { abortable, awaitOperation } from './operations.js';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/**
 * Deletes a function and waits until it is gone; one that does not exist counts as removed. A
 * refusal that may pass (another operation on the function still running, 5xx, throttling) is
 * retried until `signal` ends it.
 */
export async function deleteFunction(connection: Connection, name: string, signal: AbortSignal): Promise<void> {
  for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
    try {
      const [operation] = await abortable(connection.client.deleteFunction({ name: `${connection.parent}/functions/${name}` }), signal);
      await awaitOperation(operation, signal);
      return;
    } catch (error) {
      if (!signal.aborted && isNotFound(error)) return;
      const failure = failureOf(error, signal, (cause) => apiError(cause, `deleting function "${name}"`, connection.secrets));
      if (failure.errorClass !== 'transient' && failure.errorClass !== 'throttled') throw failure;
      await sleep(delay, signal).catch((reason: unknown) => {
        throw toFalcoError(reason, `deleting function "${name}"`);
      });
    }
  }
}
