import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The package's root folder (where README.md and package.json are), from dist/test/helpers. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The README's section that starts with `heading` (a `## ` line), up to the next one. */
export async function readmeSection(heading: string): Promise<string> {
  const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${heading}`);
  assert.ok(start >= 0, `the README has a section "${heading}"`);
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
}

/**
 * A temporary folder inside the package's dist/ for the enclosing suite, removed after it, so that an
 * example written there imports `falco/...` from this build. Call inside `describe`.
 */
export function packageTempDir(prefix: string): () => string {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(PACKAGE_ROOT, 'dist', prefix));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  return () => dir;
}
