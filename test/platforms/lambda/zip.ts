import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import yauzl from 'yauzl';

/** The files of a zip, by path. */
export async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  const zipfile = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zipfile.on('error', reject);
    zipfile.on('end', resolve);
    zipfile.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zipfile.readEntry();
      zipfile
        .openReadStreamPromise(entry)
        .then(async (stream) => {
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          files.set(entry.fileName, Buffer.concat(chunks));
          zipfile.readEntry();
        })
        .catch(reject);
    });
    zipfile.readEntry();
  });
  return files;
}

/** Writes a zip's files under `dir`, as Lambda unpacks a function into /var/task. */
export async function unpack(zip: Buffer, dir: string): Promise<void> {
  for (const [name, content] of await unzip(zip)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}
