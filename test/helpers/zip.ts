import archiver from 'archiver';

/** A zip of `files` (path → content) made with archiver, as a user would make one; `stored` entries are not compressed. */
export async function zipOf(files: Readonly<Record<string, string | Buffer>>, stored: readonly string[] = []): Promise<Buffer> {
  const archive = archiver('zip');
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const [name, content] of Object.entries(files)) archive.append(content, { name, store: stored.includes(name) });
  await archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}
