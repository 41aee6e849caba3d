import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readmeExamples, root, runExample, typeProblems } from '../helpers/readme-examples.js';

describe('the README section "Distributed workflows (Redis)"', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(root, 'dist', '.readme-tasks-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('has an embedded workflow whose code type-checks, runs as written and prints what its comments say', async () => {
    // The first block; the console's subsection has its own test (test/console/readme.test.ts).
    const blocks = (await readmeExamples('Distributed workflows (Redis)')).slice(0, 1);
    assert.equal(blocks.length, 1);
    assert.deepEqual(await typeProblems(dir, blocks), []);
    assert.deepEqual(await runExample(dir, blocks[0]!.code, 0), blocks[0]!.expected);
  });
});
