import pLimit from 'p-limit';

/** What a cleanup of leftover deployments did. */
export interface CleanupResult {
  /** The deployments deleted. */
  readonly removed: string[];
  /** The deployments that could not be deleted, with why. */
  readonly failed: { readonly name: string; readonly error: Error }[];
}

/** Deletes each leftover, `parallel` at a time, trying them all; says which went and which could not. */
export async function removeEach(
  names: readonly string[],
  remove: (name: string) => Promise<void>,
  describeError: (error: unknown, name: string) => Error,
  parallel = 1,
): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], failed: [] };
  const limit = pLimit(parallel);
  await Promise.all(
    names.map((name) =>
      limit(async () => {
        try {
          await remove(name);
          result.removed.push(name);
        } catch (error) {
          result.failed.push({ name, error: describeError(error, name) });
        }
      }),
    ),
  );
  return result;
}
