import { toFalcoError } from '../../src/errors.js';
import type { CallOptions } from '../../src/platform.js';
import { removeEach, type CleanupResult } from '../shared/cleanup.js';
import { isFalcoName } from '../shared/names.js';
import { OpenWhiskClient } from './client.js';
import { parseOpenWhiskOptions, type OpenWhiskOptions } from './options.js';

/**
 * Deletes the actions falco left behind in a namespace (names made by `deploymentName`), for
 * instance after a process was killed before it could remove them. Tries every one and says which
 * went. Every falco action in the namespace goes, so do not run it beside a run in progress.
 */
export async function cleanupOpenWhisk(options: OpenWhiskOptions = {}, { signal }: CallOptions = {}): Promise<CleanupResult> {
  const client = await OpenWhiskClient.connect(parseOpenWhiskOptions(options));
  try {
    const leftovers = (await client.listActions(signal)).map((action) => action.name).filter(isFalcoName);
    return await removeEach(
      leftovers,
      async (name) => {
        await client.deleteAction(name, signal);
      },
      (error, name) => toFalcoError(error, `deleting action "${name}"`),
    );
  } finally {
    client.close();
  }
}
