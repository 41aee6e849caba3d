import { paginateListFunctions } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { FALCO_NAME_PREFIX, isFalcoName } from '../shared/names.js';
import { parseOptions } from '../../src/options.js';
import { removeEach, type CleanupResult } from '../shared/cleanup.js';
import { controlClient } from './clients.js';
import { lambdaError } from './errors.js';
import type { Expect, MatchesSchema } from '../../src/schema-check.js';
import { connectionSchema, secretsOf, type LambdaConnectionOptions } from './options.js';
import { deleteFunction } from './remove.js';

const cleanupSchema = connectionSchema
  .extend({
    /** Only functions whose name starts with this; it must itself start with falco's prefix. */
    prefix: z.string().startsWith(FALCO_NAME_PREFIX, `must start with "${FALCO_NAME_PREFIX}"`).default(FALCO_NAME_PREFIX),
  })
  .strict();

/** What `cleanupLambda` deletes, and where. */
export interface CleanupLambdaOptions extends LambdaConnectionOptions {
  /** Only functions whose name starts with this; it must itself start with falco's prefix. @default 'falco-' */
  readonly prefix?: string | undefined;
  /** Aborting stops the clean-up between deletions. */
  readonly signal?: AbortSignal | undefined;
}

type _Check = Expect<MatchesSchema<Omit<CleanupLambdaOptions, 'signal'>, typeof cleanupSchema>>;

/**
 * Finds functions falco deployed and never removed (a killed run, say) by their name, and deletes
 * them. Only names of falco's shape (`falco-<name>-<8 hex>`) are touched.
 */
export async function cleanupLambda(options: CleanupLambdaOptions = {}): Promise<CleanupResult> {
  const { signal, ...rest } = options;
  const parsed = parseOptions(cleanupSchema, rest, 'cleanupLambda');
  const secrets = secretsOf(parsed);
  const client = controlClient(parsed);
  try {
    const leftovers: string[] = [];
    try {
      for await (const page of paginateListFunctions({ client }, {})) {
        signal?.throwIfAborted();
        for (const { FunctionName: name } of page.Functions ?? []) {
          if (name?.startsWith(parsed.prefix) && isFalcoName(name)) leftovers.push(name);
        }
      }
    } catch (error) {
      throw lambdaError(error, 'listing functions', secrets);
    }
    return await removeEach(
      leftovers,
      (name) => deleteFunction(client, name, signal, secrets),
      (error, name) => lambdaError(error, `deleting function "${name}"`, secrets),
    );
  } finally {
    client.destroy();
  }
}
