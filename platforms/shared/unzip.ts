import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import yauzl from 'yauzl';
import { DeploymentError } from '../../src/errors.js';

/** One file of a zip: its content and permission bits. */
export interface ZipFile {
  readonly data: Buffer;
  readonly mode: number;
}

const FILE_TYPE = 0o170000;
const SYMLINK = 0o120000;

/**
 * The files of a `{ zip }` deployable by their path inside it (directories left out), read with
 * yauzl, which checks every entry's sizes. An entry whose path is absolute or climbs out with
 * `..`, a symbolic link, a compression other than stored or deflated, and anything that is not a
 * whole zip are DeploymentErrors that say so: nothing in a zip can land outside the function's dir.
 */
export async function readZip(zip: Uint8Array): Promise<Map<string, ZipFile>> {
  let archive: yauzl.ZipFile | undefined;
  let current = '';
  try {
    archive = await yauzl.fromBufferPromise(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength), { strictFileNames: false });
    const files = new Map<string, ZipFile>();
    for await (const entry of archive.eachEntry()) {
      current = entry.fileName;
      if (entry.fileName.endsWith('/')) continue;
      const attributes = entry.externalFileAttributes >>> 16;
      if ((attributes & FILE_TYPE) === SYMLINK) throw unreadable(`its entry ${entry.fileName} is a symbolic link: zip the file it points to instead`);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        throw unreadable(`its entry ${entry.fileName} uses compression method ${entry.compressionMethod}: only stored and deflated entries are read`);
      }
      const mode = attributes & 0o777;
      files.set(entry.fileName, { data: await buffer(await archive.openReadStreamPromise(entry)), mode: mode === 0 ? 0o644 : mode });
    }
    return files;
  } catch (error) {
    if (error instanceof DeploymentError) throw error;
    throw unreadable(describe(error as Error, current), error);
  } finally {
    archive?.close();
  }
}

/** The zip's files by path. */
export async function unzipFiles(zip: Uint8Array): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const [path, file] of await readZip(zip)) files.set(path, file.data);
  return files;
}

/** Unpacks a zip into `dir`, keeping each file's permission bits. */
export async function unzipTo(zip: Uint8Array, dir: string): Promise<void> {
  for (const [path, file] of await readZip(zip)) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.data, { mode: file.mode });
  }
}

/** yauzl's own words, said the way falco's errors are. */
function describe(error: Error, entry: string): string {
  const { message } = error;
  if (/end of central directory record signature not found/i.test(message)) return 'it is not a zip archive';
  const name = /^invalid (?:relative path|characters in fileName|absolute path): (.*)$/.exec(message)?.[1];
  if (name !== undefined || /absolute path/.test(message)) return `its entry ${name ?? entry} points outside the function's directory`;
  return `it is damaged or truncated (${message})`;
}

function unreadable(why: string, cause?: unknown): DeploymentError {
  return new DeploymentError(`the function's { zip } code cannot be read: ${why}`, { cause });
}
