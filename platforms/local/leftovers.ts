import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeploymentError } from '../../src/errors.js';
import { type CleanupResult, removeEach } from '../shared/cleanup.js';

/** `falco-local-<pid>-<random>`: the pid of the process that deployed the function says whose it is. */
const CODE_DIR = /^falco-local-(\d+)-/;

/** Where this process puts a function's code when it has to write it: a prefix for mkdtemp. */
export function codeDirPrefix(): string {
  return join(tmpdir(), `falco-local-${process.pid}-`);
}

/**
 * Removes the code directories that processes no longer running left in the temp dir (a run
 * killed with SIGKILL cannot remove its own). A live process's directories are never touched.
 */
export async function cleanupLocal(): Promise<CleanupResult> {
  const dir = tmpdir();
  const leftovers = (await readdir(dir)).filter((name) => {
    const owner = CODE_DIR.exec(name)?.[1];
    return owner !== undefined && !running(Number(owner));
  });
  return removeEach(
    leftovers.map((name) => join(dir, name)),
    (path) => rm(path, { recursive: true, force: true }),
    (error, path) => new DeploymentError(`cannot remove ${path}: ${(error as Error).message}`, { cause: error }),
  );
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: it runs, as someone else
  }
}
