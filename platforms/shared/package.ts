import archiver from 'archiver';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ConfigError, DeploymentError, parseRuntimeId, type Deployable, type Language } from '../../src/index.js';

/** The file an action's entry point lives in, when the deployable does not say. */
export const DEFAULT_ENTRY_FILE: Record<Language, string> = { nodejs: 'index.js', python: '__main__.py' };

/** The user's code as files, by path inside the package, plus the file holding the entry point. */
export interface CodeFiles {
  /** Files by their path inside the package; for `dir` code, the directory to add whole. */
  readonly files: ReadonlyMap<string, Buffer>;
  readonly dir?: string;
  readonly entryFile: string;
}

/** Reads a deployable's code (inline source, a file or a directory) into the files of a package. */
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
  throw new ConfigError('this platform needs the code as { source }, { file } or { dir }, not a ready-made { zip }');
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
  if (language === 'nodejs') {
    const manifest = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
    if (manifest) {
      const main = (JSON.parse(manifest) as { main?: unknown }).main;
      if (typeof main === 'string') return main;
    }
  }
  return DEFAULT_ENTRY_FILE[language];
}

/**
 * Zips a deployable's code with archiver, adding `extra` files (a platform's handler wrapper)
 * at the top level; an extra file replaces a code directory's file of the same name. A `zip`
 * deployable is passed through unchanged when there is nothing to add.
 */
export async function zipCode(deployable: Deployable, extra: ReadonlyMap<string, string | Buffer> = new Map()): Promise<Buffer> {
  if ('zip' in deployable.code && extra.size === 0) return Buffer.from(deployable.code.zip);
  const { files, dir } = await codeFiles(deployable);
  const archive = archiver('zip', { zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  if (dir) archive.directory(dir, false, (entry) => (extra.has(entry.name) ? false : entry));
  for (const [name, content] of files) archive.append(content, { name });
  for (const [name, content] of extra) archive.append(content, { name });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
