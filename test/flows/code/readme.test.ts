import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('the README section "Workflows as code"', () => {
  // Inside the package, so `import ... from 'falco/flows'` resolves to this build.
  let dir = '';
  let code = '';
  before(async () => {
    dir = await mkdtemp(join(root, 'dist', '.readme-code-'));
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const start = readme.indexOf('## Workflows as code');
    assert.ok(start >= 0, 'the README has a section "Workflows as code"');
    code = /```ts\n([\s\S]*?)```/.exec(readme.slice(start, readme.indexOf('\n## ', start + 1)))![1]!;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('has an example that type-checks, and that runs as written printing what its comment says', async () => {
    const file = join(dir, 'example.ts');
    await writeFile(file, code);
    const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] });
    assert.deepEqual(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
    const javascript = join(dir, 'example.mjs');
    await writeFile(javascript, ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    const { stdout } = await promisify(execFile)(process.execPath, [javascript], { cwd: root, timeout: 180_000 });
    assert.deepEqual(stdout.trim().split('\n'), [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map(([, line]) => line!));
  });
});
