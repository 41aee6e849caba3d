import { toFalcoError } from '../../src/errors.js';
import type { CallOptions } from '../../src/platform.js';
import { removeEach, type CleanupResult } from '../shared/cleanup.js';
import { isFalcoName } from '../shared/names.js';
import { connect } from './connection.js';
import { apiError, failureOf } from './errors.js';
import { withDeadline } from './operations.js';
import { parseGcfOptions, type GcfOptions } from './options.js';
import { deleteFunction } from './remove.js';

/** Deletions in flight at once. */
const PARALLEL_DELETES = 4;

/**
 * Deletes every function falco left behind in the project and region (names `falco-<name>-<hex>`),
 * e.g. after a crash. Tries them all; the result says which went and which could not be removed.
 */
export async function cleanupGcf(options: GcfOptions = {}, { signal }: CallOptions = {}): Promise<CleanupResult> {
  const parsed = parseGcfOptions(options);
  const connection = await connect(parsed);
  try {
    const leftovers: string[] = [];
    try {
      for await (const fn of connection.client.listFunctionsAsync({ parent: connection.parent }, { autoPaginate: false })) {
        signal?.throwIfAborted();
        const name = fn.name?.split('/').pop();
        if (name && isFalcoName(name)) leftovers.push(name);
      }
    } catch (error) {
      throw failureOf(error, signal, (cause) => apiError(cause, 'listing functions', connection.secrets));
    }
    return await removeEach(
      leftovers,
      (name) => withDeadline(parsed.operationTimeoutMs, `removing function "${name}"`, signal, (deadline) => deleteFunction(connection, name, deadline)),
      (error, name) => toFalcoError(error, `removing function "${name}"`),
      PARALLEL_DELETES,
    );
  } finally {
    await connection.client.close();
  }
}
