import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readmeExamples, root, runExample, typeProblems } from '../helpers/readme-examples.js';

const examples = () => readmeExamples('DAGs and state machines');

describe('the README section "DAGs and state machines"', () => {
  // Inside the package, so `import ... from 'falco/flows'` resolves to this build.
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(root, 'dist', '.readme-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('has a DAG and a state machine whose code type-checks', async () => {
    const blocks = await examples();
    assert.equal(blocks.length, 2);
    const problems = await typeProblems(dir, blocks);
    assert.deepEqual(problems, []);
  });

  it('runs both as written on the local platform and prints what the comments say: a failing task takes the on-failure branch, a 500-item Map, a Catch', async () => {
    for (const [i, { code, expected }] of (await examples()).entries()) {
      assert.deepEqual(await runExample(dir, code, i), expected, `example ${i + 1}`);
    }
  });
});
