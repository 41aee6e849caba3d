import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';

/** The file `wsk` keeps its settings in: `$WSK_CONFIG_FILE`, else `~/.wskprops`. */
export function defaultWskpropsPath(): string {
  return process.env.WSK_CONFIG_FILE || join(homedir(), '.wskprops');
}

/**
 * Reads a wsk properties file (`KEY=VALUE` lines, `#` comments). A missing file means no settings,
 * unless its path was given (`required`): then, like a file that cannot be read, it is a
 * ConfigError, so a typo in the path does not pass silently.
 */
export async function readWskprops(path: string, required: boolean): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return {};
    throw new ConfigError(`cannot read the wsk properties file ${path}: ${(error as Error).message}`);
  }
  const props: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    props[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return props;
}
