import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readmeExamples, runExample, typeProblems } from '../helpers/readme-examples.js';
import { packageTempDir } from '../helpers/readme.js';

const examples = () => readmeExamples('DAGs and state machines');

describe('the README section "DAGs and state machines"', () => {
  const temp = packageTempDir('.readme-');

  it('has a DAG and a state machine whose code type-checks', async () => {
    const blocks = await examples();
    assert.equal(blocks.length, 2);
    const problems = await typeProblems(temp(), blocks);
    assert.deepEqual(problems, []);
  });

  it('runs both as written on the local platform and prints what the comments say: a failing task takes the on-failure branch, a 500-item Map, a Catch', async () => {
    for (const [i, { code, expected }] of (await examples()).entries()) {
      assert.deepEqual(await runExample(temp(), code, i), expected, `example ${i + 1}`);
    }
  });
});
