import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import ts from 'typescript';
import { PACKAGE_ROOT, packageTempDir, readmeSection } from '../helpers/readme.js';

/** The section's TypeScript blocks, each with the output its `console.log(...); // ...` comments promise. */
async function examples(): Promise<Array<{ code: string; expected: string[] }>> {
  const section = await readmeSection('DAGs and state machines');
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map(([, code]) => ({
    code: code!,
    expected: [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map(([, line]) => line!),
  }));
}

describe('the README section "DAGs and state machines"', () => {
  const temp = packageTempDir('.readme-');

  it('has a DAG and a state machine whose code type-checks', async () => {
    const blocks = await examples();
    assert.equal(blocks.length, 2);
    const files = await Promise.all(blocks.map(async ({ code }, i) => {
      const file = join(temp(), `example-${i}.ts`);
      await writeFile(file, code);
      return file;
    }));
    const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(problems, []);
  });

  it('runs both as written on the local platform and prints what the comments say: a failing task takes the on-failure branch, a 500-item Map, a Catch', async () => {
    for (const [i, { code, expected }] of (await examples()).entries()) {
      const file = join(temp(), `example-${i}.mjs`);
      await writeFile(file, code);
      const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: PACKAGE_ROOT, timeout: 180_000 });
      assert.deepEqual(stdout.trim().split('\n'), expected, `example ${i + 1}`);
    }
  });
});
