import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';

/** Another live process (or this one) has the store directory open. */
export class StoreLockedError extends ConfigError {}

/**
 * One process at a time per directory: a `lock` file naming the holder's pid. A lock left by a
 * process that is gone is taken over; a live holder is a `StoreLockedError`. Returns the release.
 */
export function lockDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (holder(path) === process.pid) rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockError(dir, path, error);
      const pid = holder(path);
      if (pid !== undefined && alive(pid)) {
        const who = pid === process.pid ? 'this process already' : `process ${pid}`;
        throw new StoreLockedError(`the store ${dir} is in use: ${who} has it open; close that store first, or use another directory`);
      }
      rmSync(path, { force: true });
    }
  }
}

function lockError(dir: string, path: string, error: unknown): Error {
  if (error instanceof StoreLockedError) return error;
  const pid = holder(path);
  return new StoreLockedError(`cannot lock the store ${dir}${pid ? ` (held by process ${pid})` : ''}: ${(error as Error).message}`);
}

function holder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
