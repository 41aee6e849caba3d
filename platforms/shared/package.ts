import { readFile, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { Deployable } from '../../src/deployable.js';
import { DeploymentError } from '../../src/errors.js';
import { parseRuntimeId, type Language } from '../../src/runtime.js';
import { unzipFiles } from './unzip.js';

/** The file an action's entry point lives in, when the deployable does not say. */
export const DEFAULT_ENTRY_FILE: Record<Language, string> = { nodejs: 'index.js', python: '__main__.py' };

/** The user's code as files, by path inside the package, plus the file holding the entry point. */
export interface CodeFiles {
  /** Files by their path inside the package: inline source, a file, or a zip's entries. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** For `dir` code, the directory to add whole (then `files` is empty). */
  readonly dir?: string;
  readonly entryFile: string;
}

/**
 * Reads a deployable's code (inline source, a file, a directory or a zip) into the files of a
 * package. The entry file must be there: a DeploymentError names it when it is not.
 */
export async function codeFiles(deployable: Deployable): Promise<CodeFiles> {
  const { language } = parseRuntimeId(deployable.runtime);
  const { code } = deployable;
  if ('source' in code) {
    const entryFile = deployable.entryFile ?? DEFAULT_ENTRY_FILE[language];
    return { files: new Map([[entryFile, Buffer.from(code.source)]]), entryFile };
  }
  if ('file' in code) {
    const entryFile = deployable.entryFile ?? basename(code.file);
    return { files: new Map([[entryFile, await readCode(code.file)]]), entryFile };
  }
  if ('dir' in code) {
    const entryFile = deployable.entryFile ?? (await dirEntryFile(code.dir, language));
    await readCode(join(code.dir, entryFile));
    return { files: new Map(), dir: code.dir, entryFile };
  }
  const files = await unzipFiles(code.zip);
  const named = deployable.entryFile ?? defaultEntryFile(language, files.get('package.json'));
  const entryFile = posix.normalize(named);
  if (!files.has(entryFile)) {
    throw new DeploymentError(
      `the function's zip has no ${entryFile}, the file that should hold ${deployable.entryPoint}(args): ` +
        `add it to the zip, or name the file that holds it with entryFile`,
    );
  }
  return { files, entryFile };
}

/** One of the code's files, by its path in the package; undefined when there is none. */
export async function codeFile(code: CodeFiles, name: string): Promise<Buffer | undefined> {
  if (code.dir === undefined) return code.files.get(name);
  return readFile(join(code.dir, name)).catch(() => undefined);
}

async function readCode(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new DeploymentError(`cannot read the function's code at ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** The entry file of a code directory: package.json's `main` for Node.js, else the language's default. */
export async function dirEntryFile(dir: string, language: Language): Promise<string> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new DeploymentError(`the function's code directory ${dir} does not exist`);
  return defaultEntryFile(language, await readFile(join(dir, 'package.json')).catch(() => undefined));
}

/** A Node.js package's `main`, else the language's default. */
function defaultEntryFile(language: Language, manifest: Buffer | undefined): string {
  if (language === 'nodejs' && manifest) {
    try {
      const { main } = JSON.parse(manifest.toString('utf8')) as { main?: unknown };
      if (typeof main === 'string') return main;
    } catch {
      // Not JSON: the package has no main falco can read.
    }
  }
  return DEFAULT_ENTRY_FILE[language];
}
