import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readmeExamples, runExample, typeProblems } from '../helpers/readme-examples.js';
import { packageTempDir } from '../helpers/readme.js';

describe('the README section "Types"', () => {
  const temp = packageTempDir('.readme-types-');

  it('has an example whose code type-checks with no cast', async () => {
    const blocks = await readmeExamples('Types');
    assert.equal(blocks.length, 1);
    assert.doesNotMatch(blocks[0]!.code, /\bas [A-Z{]|outputsOf<|readOutputs</);
    assert.deepEqual(await typeProblems(temp(), blocks), []);
  });

  it('runs as written on the local platform and prints what the comments say', async () => {
    const { code, expected } = (await readmeExamples('Types'))[0]!;
    assert.deepEqual(await runExample(temp(), code, 0), expected);
  });
});
