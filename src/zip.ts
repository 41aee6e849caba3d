import archiver from 'archiver';

/** What goes into a zip: files by their path in it, and a directory added whole. */
export interface ZipContents {
  readonly files: ReadonlyMap<string, Buffer>;
  readonly dir?: string;
}

/**
 * Zips code with archiver, adding `extra` files (a platform's handler wrapper) at the top level;
 * an extra file replaces the code's own file of the same name. A module of its own, imported by
 * nothing that does not zip, so that a platform that never zips (local) or a workflow's function
 * never loads archiver; the cloud platforms and the coordinator's packaging share it.
 */
export async function zipCode(code: ZipContents, extra: ReadonlyMap<string, string | Buffer> = new Map()): Promise<Buffer> {
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
