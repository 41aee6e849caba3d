import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../src/index.js';

/** Fails before anything runs when an output file's folder does not exist, rather than after the run. */
export function checkOutputPaths(paths: readonly (string | undefined)[]): void {
  for (const path of paths) {
    if (path === undefined) continue;
    const folder = dirname(resolve(path));
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
      throw new ConfigError(`cannot write "${path}": the folder ${folder} does not exist`);
    }
  }
}
