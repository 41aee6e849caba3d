import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The repository's root, from the build (`dist/test/helpers/`). */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A README section's TypeScript blocks, each with the output its `console.log(...); // ...` comments promise. */
export async function readmeExamples(heading: string): Promise<Array<{ code: string; expected: string[] }>> {
  const readme = await readFile(join(repositoryRoot, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${heading}`);
  assert.ok(start >= 0, `the README has a section "${heading}"`);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map(([, code]) => ({
    code: code!,
    expected: [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map(([, line]) => line!),
  }));
}

/** A directory inside the package for the enclosing suite, so `import ... from 'falco/flows'` resolves to this build. */
export function readmeDir(): () => string {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(repositoryRoot, 'dist', '.readme-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  return () => dir;
}
