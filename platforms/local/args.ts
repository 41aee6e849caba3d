import { ConfigError } from '../../src/errors.js';
import { findNonJsonValue } from '../../src/json.js';

/**
 * The JSON text a function receives: the deployment's params merged under the input (the input
 * wins), as OpenWhisk does. Without params any JSON input passes as it is.
 */
export function argsText(name: string, params: Readonly<Record<string, unknown>> | undefined, input: unknown): string {
  const args = params === undefined ? (input === undefined ? {} : input) : merge(name, params, input);
  let text: string | undefined;
  try {
    text = JSON.stringify(args);
  } catch (error) {
    const problem = findNonJsonValue(args, 'input') ?? (error as Error).message;
    throw new ConfigError(`the input to function "${name}" cannot travel as JSON: ${problem}`, { cause: error });
  }
  // JSON.stringify answers undefined for a lone function or symbol.
  if (text === undefined) throw new ConfigError(`the input to function "${name}" cannot travel as JSON: ${findNonJsonValue(args, 'input')}`);
  return text;
}

function merge(name: string, params: Readonly<Record<string, unknown>>, input: unknown): Record<string, unknown> {
  if (input === undefined || input === null) return { ...params };
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError(`the input to function "${name}" must be a JSON object, so that the deployment's params can be merged into it (got ${Array.isArray(input) ? 'an array' : typeof input})`);
  }
  return { ...params, ...input };
}
