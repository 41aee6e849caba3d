import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import ts from 'typescript';
import { readmeDir, readmeExamples, repositoryRoot } from '../helpers/readme-examples.js';

describe('the README section "DAGs and state machines"', () => {
  const dir = readmeDir();

  it('has a DAG and a state machine whose code type-checks', async () => {
    const blocks = await readmeExamples('DAGs and state machines');
    assert.equal(blocks.length, 2);
    const files = await Promise.all(blocks.map(async ({ code }, i) => {
      const file = join(dir(), `example-${i}.ts`);
      await writeFile(file, code);
      return file;
    }));
    const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(problems, []);
  });

  it('runs both as written on the local platform and prints what the comments say: a failing task takes the on-failure branch, a 500-item Map, a Catch', async () => {
    for (const [i, { code, expected }] of (await readmeExamples('DAGs and state machines')).entries()) {
      const file = join(dir(), `example-${i}.mjs`);
      await writeFile(file, code);
      const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: repositoryRoot, timeout: 180_000 });
      assert.deepEqual(stdout.trim().split('\n'), expected, `example ${i + 1}`);
    }
  });
});
