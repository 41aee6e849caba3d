import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipTo } from '../../../platforms/shared/unzip.js';

/** Unpacks a zipped action (as OpenWhisk receives it, base64) into a new temporary directory. */
export async function unzipAction(base64: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'falco-ow-double-'));
  try {
    await unzipTo(Buffer.from(base64, 'base64'), dir);
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
