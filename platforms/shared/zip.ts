import archiver from 'archiver';
import type { CodeFiles } from './package.js';

/**
 * Zips a deployable's code with archiver, adding `extra` files (a platform's handler wrapper)
 * at the top level; an extra file replaces the code's own file of the same name. A module of its
 * own, so that platforms that never zip (local) never load archiver.
 */
export async function zipCode(code: CodeFiles, extra: ReadonlyMap<string, string | Buffer> = new Map()): Promise<Buffer> {
  const archive = archiver('zip', { zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  if (code.dir) archive.directory(code.dir, false, (entry) => (extra.has(entry.name) ? false : entry));
  for (const [name, content] of code.files) if (!extra.has(name)) archive.append(content, { name });
  for (const [name, content] of extra) archive.append(content, { name });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
