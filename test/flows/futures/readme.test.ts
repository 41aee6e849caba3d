import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readmeExamples, runExample, typeProblems } from '../../helpers/readme-examples.js';
import { packageTempDir } from '../../helpers/readme.js';

describe('the README section "Futures"', () => {
  const temp = packageTempDir('.readme-futures-');

  it('has an example whose code type-checks', async () => {
    const blocks = await readmeExamples('Futures');
    assert.equal(blocks.length, 1);
    assert.deepEqual(await typeProblems(temp(), blocks), []);
  });

  it('runs as written on the local platform and prints what the comments say', async () => {
    const { code, expected } = (await readmeExamples('Futures'))[0]!;
    assert.deepEqual(await runExample(temp(), code, 0), expected);
  });
});
