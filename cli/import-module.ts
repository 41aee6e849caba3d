import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../src/errors.js';
import { describeError } from '../src/observe/describe-error.js';

/** Imports a JavaScript module named on the command line (resolved from the working directory); `what` names it in errors. */
export async function importModule(path: string, what: string): Promise<Record<string, unknown>> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new ConfigError(`${what} "${path}" not found (looked for ${absolute})`);
  try {
    return (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    const hint = ['.ts', '.mts', '.cts'].includes(extname(absolute)) ? '; compile it to JavaScript first, or run falco under a TypeScript loader (node --import tsx)' : '';
    throw new ConfigError(`${what} "${path}" could not be loaded: ${describeError(error)}${hint}`);
  }
}
