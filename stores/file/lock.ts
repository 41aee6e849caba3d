import { brand } from '../../src/brand.js';
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';

/** Another live process (or this one) has the store directory open. */
export class StoreLockedError extends ConfigError {
  static {
    brand(this, 'StoreLockedError');
  }
}

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

/**
 * Runs `fn` holding the lock file `path` against every other process (and every other caller in
 * this one): for short read-modify-write steps on files several processes share. The lock file
 * appears whole (written aside, then hard-linked into place), naming its holder's pid; one left
 * by a process that died is broken, by one process at a time (`path.break`), so a fresh lock is
 * never mistaken for the dead one. Waiting longer than `timeoutMs` is a `StoreLockedError`.
 */
export async function withFileLock<T>(path: string, fn: () => T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 1; !tryLock(path); wait = Math.min(wait * 2, 32)) {
    breakIfDead(path);
    if (Date.now() > deadline) {
      const pid = holder(path);
      throw new StoreLockedError(`${path} has been locked${pid ? ` by process ${pid}` : ''} for more than ${timeoutMs} ms: if no falco process holds it, remove the file`);
    }
    await sleep(wait * (0.5 + Math.random()));
  }
  try {
    return fn();
  } finally {
    rmSync(path, { force: true });
  }
}

function tryLock(path: string): boolean {
  const aside = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, String(process.pid));
  try {
    linkSync(aside, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

function breakIfDead(path: string): void {
  const dead = holder(path);
  if (dead === undefined || alive(dead)) return;
  const breaker = `${path}.break`;
  if (!tryLock(breaker)) {
    const breaking = holder(breaker);
    if (breaking !== undefined && !alive(breaking)) rmSync(breaker, { force: true });
    return;
  }
  try {
    // Only a breaker removes a dead holder's lock, so it is still the dead one if it names the same pid.
    if (holder(path) === dead && !alive(dead)) rmSync(path, { force: true });
  } finally {
    rmSync(breaker, { force: true });
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
