import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/** Unpacks a zipped action (as OpenWhisk receives it, base64) into a new temporary directory. */
export async function unzipAction(base64: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'falco-ow-double-'));
  try {
    const zip = await yauzl.fromBufferPromise(Buffer.from(base64, 'base64'), { lazyEntries: true });
    for await (const entry of zip.eachEntry()) {
      const path = resolve(dir, entry.fileName);
      if (relative(dir, path).startsWith('..')) throw new Error(`zip entry ${entry.fileName} points outside the archive`);
      if (entry.fileName.endsWith('/')) {
        await mkdir(path, { recursive: true });
        continue;
      }
      await mkdir(dirname(path), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(path));
    }
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
