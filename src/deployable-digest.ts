import { createHash, type Hash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deployable } from './deployable.js';
import { DeploymentError } from './errors.js';

/**
 * A digest of everything that decides what a deployable computes: its code (the source, or the
 * contents of its file, directory or zip), runtime, entry point and params. Limits and env are
 * left out: they change how a function runs, not what it returns (and env may hold secrets that rotate).
 */
export async function deployableDigest(deployable: Deployable): Promise<string> {
  const hash = createHash('sha256');
  part(hash, canonicalJson({ runtime: deployable.runtime, entryPoint: deployable.entryPoint, entryFile: deployable.entryFile ?? null, params: deployable.params }));
  const { code } = deployable;
  if ('source' in code) part(hash, 'source', code.source);
  else if ('zip' in code) part(hash, 'zip', code.zip);
  else if ('file' in code) part(hash, 'file', await readCode(code.file));
  else {
    part(hash, 'dir');
    for (const file of await filesUnder(code.dir)) part(hash, file, await readCode(join(code.dir, file)));
  }
  return `sha256:${hash.digest('hex')}`;
}

/** Each piece with its length first, so no two different inputs can hash alike by running into each other. */
function part(hash: Hash, ...pieces: (string | Uint8Array)[]): void {
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
    hash.update(`${bytes.length}:`).update(bytes);
  }
}

/** Every file under `dir`, as paths relative to it, in a stable order. */
async function filesUnder(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (error) {
    throw new DeploymentError(`cannot read the code directory ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const files: string[] = [];
  for (const entry of entries.sort()) {
    if ((await stat(join(dir, entry))).isFile()) files.push(entry);
  }
  return files;
}

async function readCode(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new DeploymentError(`cannot read the code file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** JSON with object keys sorted, so params given in another order digest the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
