import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { PACKAGE_ROOT as root, readmeSection } from './readme.js';

export { root };

/** A README section's TypeScript blocks, each with the output its `console.log(...); // ...` comments promise. */
export async function readmeExamples(heading: string): Promise<Array<{ code: string; expected: string[] }>> {
  const section = await readmeSection(heading);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map(([, code]) => ({
    code: code!,
    expected: [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map(([, line]) => line!),
  }));
}

/** Writes each block as `example-<i>.ts` in `dir` (inside the package, so `falco/...` resolves to this build) and type-checks them strictly; the problems found. */
export async function typeProblems(dir: string, blocks: ReadonlyArray<{ code: string }>): Promise<string[]> {
  const files = await Promise.all(blocks.map(async ({ code }, i) => {
    const file = join(dir, `example-${i}.ts`);
    await writeFile(file, code);
    return file;
  }));
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** Runs a block as written (its types stripped, as `example-<i>.mjs` in `dir`); its stdout's lines. */
export async function runExample(dir: string, code: string, i: number): Promise<string[]> {
  const file = join(dir, `example-${i}.mjs`);
  await writeFile(file, ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
  const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: root, timeout: 180_000 });
  return stdout.trim().split('\n');
}
