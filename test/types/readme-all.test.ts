import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { typeProblems } from '../helpers/readme-examples.js';
import { PACKAGE_ROOT, packageTempDir } from '../helpers/readme.js';

/** Every TypeScript example in the README that imports falco: a whole program a user could paste (the other blocks are fragments of one). */
async function programs(): Promise<Array<{ code: string; heading: string }>> {
  const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const found: Array<{ code: string; heading: string }> = [];
  let heading = '';
  for (const part of readme.split(/(^#{2,3} .*$)/m)) {
    if (/^#{2,3} /.test(part)) heading = part;
    for (const [, code] of part.matchAll(/```ts\n([\s\S]*?)```/g)) if (/^import .* from 'falco[/']/m.test(code!)) found.push({ code: code!, heading });
  }
  return found;
}

describe('the README', () => {
  const temp = packageTempDir('.readme-all-');

  it("has examples that type-check in a strict project against the package's entry points, with no cast", async () => {
    const blocks = await programs();
    assert.ok(blocks.length >= 10, `found ${blocks.length} whole examples`);
    // Two casts are of values no library can type: what node's server.address() returns, and an event's data read back from a stream.
    const allowed = /\((server\.address\(\)|event\.data) as [^)]*\)/g;
    for (const { code, heading } of blocks) assert.doesNotMatch(code.replace(allowed, ''), /\bas (?!const\b)[A-Za-z{[]/, `${heading}: an example casts`);
    const problems = await typeProblems(temp(), blocks);
    assert.deepEqual(problems, []);
  });
});
