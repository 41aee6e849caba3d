import type { Deployable } from '../../src/deployable.js';
import { ConfigError } from '../../src/errors.js';
import type { SigningKeys } from './forwarding-types.js';
import { pipelineDeployable, type PipelineFunctionOptions } from './function.js';

/** The variable of a serving process that holds the pipelines' signing keys, as JSON: never a command-line flag, which others can read. */
export const SERVE_KEYS_ENV = 'FALCO_PIPELINE_KEYS_JSON';

/**
 * The functions `falco triggers serve --pipeline NAME=MODULE#EXPORT` serves, by the names submitters
 * give as `forwarding.function`; the keys from `FALCO_PIPELINE_KEYS_JSON` (`{"keys":{"<id>":"<secret>"},"signWith":"<id>"}`).
 */
export function servedPipelines(specs: readonly string[], options: Omit<PipelineFunctionOptions, 'keys'>, env: NodeJS.ProcessEnv = process.env): Record<string, Deployable> {
  const json = env[SERVE_KEYS_ENV];
  if (!json) throw new ConfigError(`--pipeline needs the signing keys in ${SERVE_KEYS_ENV} ({"keys":{"<id>":"<secret>"},"signWith":"<id>"}); falco has no default key`);
  const keys = parseKeys(json);
  return Object.fromEntries(
    specs.map((spec) => {
      const match = /^([^=]+)=(.+)#([^#]+)$/.exec(spec);
      if (!match) throw new ConfigError(`--pipeline "${spec}": write NAME=MODULE#EXPORT (the name submitters give as forwarding.function, the built module, the pipeline's export)`);
      const [, name, module, exportName] = match;
      return [name!, pipelineDeployable(module!, exportName!, { ...options, keys })];
    }),
  );
}

/** The keys as JSON; `pipelineDeployable` checks them (ids, secret lengths, signWith) with messages that name no secret. */
function parseKeys(json: string): SigningKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ConfigError(`${SERVE_KEYS_ENV} is not JSON: give {"keys":{"<id>":"<secret>"},"signWith":"<id>"}`);
  }
  const { keys, signWith } = (parsed ?? {}) as { keys?: unknown; signWith?: unknown };
  if (typeof keys !== 'object' || keys === null || Object.values(keys).some((secret) => typeof secret !== 'string') || typeof signWith !== 'string') {
    throw new ConfigError(`${SERVE_KEYS_ENV} must be {"keys":{"<id>":"<secret>"},"signWith":"<id>"}, the secrets strings`);
  }
  return { keys: keys as Record<string, string>, signWith };
}
