import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Deployable } from '../../src/deployable.js';
import { ConfigError, DeploymentError, FatalError } from '../../src/errors.js';
import { parseRuntimeId } from '../../src/runtime.js';
import { codeFiles, dirEntryFile } from '../shared/package.js';
import { unzipTo } from '../shared/unzip.js';
import { codeDirPrefix } from './leftovers.js';

/** A function's code on disk, where its instances run it. */
export interface LocalCode {
  /** The function's working directory. */
  readonly dir: string;
  /** The absolute path of the file holding the entry point. */
  readonly entry: string;
  /** True when the directory is ours (made for inline source or a file) and removed with the deployment. */
  readonly temporary: boolean;
}

/** Our temp dirs still in use: deleted at exit too, so a run that never removes its deployments leaves none behind. */
const liveDirs = new Set<string>();

function track(dir: string): void {
  if (liveDirs.size === 0) process.once('exit', deleteLiveDirs);
  liveDirs.add(dir);
}

function deleteLiveDirs(): void {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
}

/**
 * Puts a deployable's code on disk: a `dir` is used in place; inline source and a `file` are
 * written to a temp dir, a `zip` is unpacked into one.
 */
export async function materialise(deployable: Deployable): Promise<LocalCode> {
  if ('zip' in deployable.code) return unpacked(deployable, deployable.code.zip);
  const { files, dir, entryFile } = await codeFiles(deployable);
  if (dir !== undefined) return { dir: resolve(dir), entry: resolve(dir, entryFile), temporary: false };
  return inTempDir(async (temp) => {
    for (const [name, content] of files) {
      const path = inside(temp, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
    return join(temp, entryFile);
  });
}

function unpacked(deployable: Deployable, zip: Uint8Array): Promise<LocalCode> {
  return inTempDir(async (temp) => {
    await unzipTo(zip, temp);
    const entryFile = deployable.entryFile ?? (await dirEntryFile(temp, parseRuntimeId(deployable.runtime).language));
    const entry = inside(temp, entryFile);
    if (!(await stat(entry).catch(() => undefined))?.isFile()) {
      throw new DeploymentError(`the function's zip has no entry file "${entryFile}" (holding "${deployable.entryPoint}"): put it at the zip's top level, or name the file that holds it with entryFile`);
    }
    return entry;
  });
}

/** Runs `fill` on a new temp dir that is ours, removed again if `fill` fails; `fill` answers the entry file's path. */
async function inTempDir(fill: (temp: string) => Promise<string>): Promise<LocalCode> {
  const temp = await mkdtemp(codeDirPrefix());
  track(temp);
  try {
    return { dir: temp, entry: await fill(temp), temporary: true };
  } catch (error) {
    await removeCode({ dir: temp, entry: temp, temporary: true });
    if (error instanceof FatalError) throw error;
    throw new DeploymentError(`cannot write the function's code to ${temp}: ${(error as Error).message}`, { cause: error });
  }
}

/** The absolute path of `name` in `dir`; a ConfigError if it points outside. */
function inside(dir: string, name: string): string {
  const path = resolve(dir, name);
  const within = relative(dir, path);
  if (within.startsWith('..') || isAbsolute(within)) {
    throw new ConfigError(`entryFile "${name}" points outside the function's directory: use a relative path such as "index.js"`);
  }
  return path;
}

export async function removeCode(code: LocalCode): Promise<void> {
  if (!code.temporary) return;
  await rm(code.dir, { recursive: true, force: true });
  liveDirs.delete(code.dir);
  if (liveDirs.size === 0) process.removeListener('exit', deleteLiveDirs);
}
