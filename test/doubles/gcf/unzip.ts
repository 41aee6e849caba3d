import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** The names of a zip's entries, in order. */
export async function zipEntries(zip: Buffer): Promise<string[]> {
  const names: string[] = [];
  await walk(zip, async (entry) => {
    names.push(entry.fileName);
  });
  return names;
}

/** Unpacks a zip into `dir`, refusing entries that would land outside it. */
export async function unzip(zip: Buffer, dir: string): Promise<void> {
  await walk(zip, async (entry, file) => {
    const target = join(dir, entry.fileName);
    if (relative(dir, target).startsWith('..')) throw new Error(`zip entry ${entry.fileName} points outside the function's directory`);
    if (entry.fileName.endsWith('/')) {
      await mkdir(target, { recursive: true });
      return;
    }
    await mkdir(dirname(target), { recursive: true });
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      file.openReadStream(entry, (error, opened) => (error ? reject(error) : resolve(opened))),
    );
    await pipeline(stream, createWriteStream(target));
  });
}

async function walk(zip: Buffer, visit: (entry: Entry, file: ZipFile) => Promise<void>): Promise<void> {
  const file = await new Promise<ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  await new Promise<void>((resolve, reject) => {
    file.on('entry', (entry: Entry) => {
      visit(entry, file).then(() => file.readEntry(), (error: unknown) => {
        file.close();
        reject(error);
      });
    });
    file.on('end', resolve);
    file.on('error', reject);
    file.readEntry();
  });
}
