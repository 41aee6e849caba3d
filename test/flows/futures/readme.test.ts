import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The section's TypeScript blocks, each with the output its `console.log(...); // ...` comments promise. */
async function examples(): Promise<Array<{ code: string; expected: string[] }>> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Futures');
  assert.ok(start >= 0, 'the README has a section "Futures"');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map(([, code]) => ({
    code: code!,
    expected: [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map(([, line]) => line!),
  }));
}

describe('the README section "Futures"', () => {
  // Inside the package, so `import ... from 'falco/flows'` resolves to this build.
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(root, 'dist', '.readme-futures-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('has an example whose code type-checks', async () => {
    const blocks = await examples();
    assert.equal(blocks.length, 1);
    const file = join(dir, 'example.ts');
    await writeFile(file, blocks[0]!.code);
    const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(problems, []);
  });

  it('runs as written on the local platform and prints what the comments say', async () => {
    const { code, expected } = (await examples())[0]!;
    const file = join(dir, 'example.mjs');
    await writeFile(file, ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: root, timeout: 180_000 });
    assert.deepEqual(stdout.trim().split('\n'), expected);
  });
});
