import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readmeExamples, root, runExample, typeProblems } from '../helpers/readme-examples.js';

describe('the README section "The console and the workflow API"', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(root, 'dist', '.readme-console-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('has a client example that type-checks, runs as written and prints what its comments say', async () => {
    const blocks = await readmeExamples('The console and the workflow API');
    assert.equal(blocks.length, 1);
    assert.deepEqual(await typeProblems(dir, blocks), []);
    assert.deepEqual(await runExample(dir, blocks[0]!.code, 0), blocks[0]!.expected);
  });
});
