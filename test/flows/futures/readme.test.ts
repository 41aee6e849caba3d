import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import ts from 'typescript';
import { readmeDir, readmeExamples, repositoryRoot } from '../../helpers/readme-examples.js';

describe('the README section "Futures"', () => {
  const dir = readmeDir();

  it('has an example whose code type-checks', async () => {
    const blocks = await readmeExamples('Futures');
    assert.equal(blocks.length, 1);
    const file = join(dir(), 'example.ts');
    await writeFile(file, blocks[0]!.code);
    const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(problems, []);
  });

  it('runs as written on the local platform and prints what the comments say', async () => {
    const { code, expected } = (await readmeExamples('Futures'))[0]!;
    const file = join(dir(), 'example.mjs');
    await writeFile(file, ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: repositoryRoot, timeout: 180_000 });
    assert.deepEqual(stdout.trim().split('\n'), expected);
  });
});
