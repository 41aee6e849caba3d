import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { DeploymentError } from '../../src/index.js';

const FILE_TYPE = 0o170000;
const SYMLINK = 0o120000;

/**
 * Unpacks a zip into `dir`, keeping each file's permission bits. yauzl refuses absolute paths
 * and `..` in entry names, and entries whose sizes lie; a symbolic link is refused here, so
 * nothing in the zip can write outside `dir`.
 */
export async function unzip(zip: Uint8Array, dir: string): Promise<void> {
  let archive: yauzl.ZipFile | undefined;
  try {
    archive = await yauzl.fromBufferPromise(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
    for await (const entry of archive.eachEntry()) {
      const path = join(dir, entry.fileName);
      const mode = (entry.externalFileAttributes >>> 16) & 0o777;
      if (((entry.externalFileAttributes >>> 16) & FILE_TYPE) === SYMLINK) {
        throw new DeploymentError(`the zip's entry "${entry.fileName}" is a symbolic link, which the local platform does not unpack: zip the file it points to instead`);
      }
      if (entry.fileName.endsWith('/')) {
        await mkdir(path, { recursive: true });
        continue;
      }
      await mkdir(dirname(path), { recursive: true });
      await pipeline(await archive.openReadStreamPromise(entry), createWriteStream(path, { mode: mode === 0 ? 0o644 : mode }));
    }
  } catch (error) {
    if (error instanceof DeploymentError) throw error;
    throw new DeploymentError(`cannot unpack the function's zip into ${dir}: ${(error as Error).message}`, { cause: error });
  } finally {
    archive?.close();
  }
}
