import { closeSync, constants, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../src/errors.js';

/**
 * Fails before anything runs when an output file cannot be written, rather than after the run:
 * each file is opened for appending (created if missing, then removed again, so nothing is left
 * behind), and no two outputs may be the same file.
 */
export function checkOutputPaths(paths: readonly (string | undefined)[]): void {
  const seen = new Map<string, string>();
  for (const path of paths) {
    if (path === undefined) continue;
    const absolute = resolve(path);
    const earlier = seen.get(absolute);
    if (earlier !== undefined) throw new ConfigError(`"${path}" and "${earlier}" are the same file: give each output its own file`);
    seen.set(absolute, path);
    probe(path, absolute);
  }
}

function probe(path: string, absolute: string): void {
  const existing = statOf(absolute);
  if (existing?.isDirectory()) throw new ConfigError(`cannot write "${path}": it is a folder; name a file in it`);
  let fd: number;
  try {
    // Non-blocking, so that a named pipe with no reader fails at once instead of hanging.
    fd = openSync(absolute, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK);
  } catch (error) {
    throw new ConfigError(`cannot write "${path}": ${reason(error as NodeJS.ErrnoException, absolute)}`);
  }
  closeSync(fd);
  if (!existing) unlinkSync(absolute);
}

function reason(error: NodeJS.ErrnoException, absolute: string): string {
  const folder = dirname(absolute);
  switch (error.code) {
    case 'ENOENT':
      return statOf(folder) ? `no file can be created in ${folder}` : `the folder ${folder} does not exist`;
    case 'ENOTDIR':
      return `${folder} is not a folder`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${existsAsFile(absolute) ? 'the file is not writable' : `cannot create files in ${folder}`})`;
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return error.message;
  }
}

function existsAsFile(absolute: string): boolean {
  return statOf(absolute)?.isFile() ?? false;
}

/** The file's status; undefined when there is none (or a part of its path is not a folder). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
