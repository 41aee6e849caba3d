import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readmeExamples, runExample, typeProblems } from '../helpers/readme-examples.js';
import { packageTempDir } from '../helpers/readme.js';

describe('the README section "The console and the workflow API"', () => {
  const temp = packageTempDir('.readme-console-');

  it('has a client example that type-checks, runs as written and prints what its comments say', async () => {
    const blocks = await readmeExamples('The console and the workflow API');
    assert.equal(blocks.length, 1);
    assert.deepEqual(await typeProblems(temp(), blocks), []);
    assert.deepEqual(await runExample(temp(), blocks[0]!.code, 0), blocks[0]!.expected);
  });
});
