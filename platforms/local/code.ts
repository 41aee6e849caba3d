import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, type Deployable, DeploymentError } from '../../src/index.js';
import { codeFiles } from '../shared/package.js';
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

/** Puts a deployable's code on disk: a `dir` is used in place, inline source and a `file` go into a temp dir. */
export async function materialise(deployable: Deployable): Promise<LocalCode> {
  const { files, dir, entryFile } = await codeFiles(deployable);
  if (dir !== undefined) return { dir: resolve(dir), entry: resolve(dir, entryFile), temporary: false };
  const temp = await mkdtemp(codeDirPrefix());
  track(temp);
  try {
    for (const [name, content] of files) {
      const path = resolve(temp, name);
      const inside = relative(temp, path);
      if (inside.startsWith('..') || isAbsolute(inside)) {
        throw new ConfigError(`entryFile "${name}" points outside the function's directory: use a relative path such as "index.js"`);
      }
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
  } catch (error) {
    await removeCode({ dir: temp, entry: temp, temporary: true });
    if (error instanceof ConfigError) throw error;
    throw new DeploymentError(`cannot write the function's code to ${temp}: ${(error as Error).message}`, { cause: error });
  }
  return { dir: temp, entry: join(temp, entryFile), temporary: true };
}

export async function removeCode(code: LocalCode): Promise<void> {
  if (!code.temporary) return;
  await rm(code.dir, { recursive: true, force: true });
  liveDirs.delete(code.dir);
  if (liveDirs.size === 0) process.removeListener('exit', deleteLiveDirs);
}
