import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readmeExamples, runExample, typeProblems } from '../helpers/readme-examples.js';
import { packageTempDir } from '../helpers/readme.js';

describe('the README section "Distributed workflows (Redis)"', () => {
  const temp = packageTempDir('.readme-tasks-');

  it('has an embedded workflow whose code type-checks, runs as written and prints what its comments say', async () => {
    // The first block; the console's subsection has its own test (test/console/readme.test.ts).
    const blocks = (await readmeExamples('Distributed workflows (Redis)')).slice(0, 1);
    assert.equal(blocks.length, 1);
    assert.deepEqual(await typeProblems(temp(), blocks), []);
    assert.deepEqual(await runExample(temp(), blocks[0]!.code, 0), blocks[0]!.expected);
  });
});
