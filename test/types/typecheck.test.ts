import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { PACKAGE_ROOT as root } from '../helpers/readme.js';

/** The project's own compiler options (strict, exactOptionalPropertyTypes, ...), without emitting. */
function compilerOptions(): ts.CompilerOptions {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  assert.ok(config, 'tsconfig.json could not be read');
  return config.options;
}

interface Problem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

function problems(files: readonly string[]): Problem[] {
  const program = ts.createProgram(files, compilerOptions());
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const { file, start } = diagnostic;
    const line = file && start !== undefined ? file.getLineAndCharacterOfPosition(start).line + 1 : 0;
    return { file: file ? relative(root, file.fileName) : '', line, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') };
  });
}

/** Every `// error: text` comment: the line after it, and the text its error must contain. */
function expectedErrors(source: string): Array<{ line: number; text: string }> {
  return source.split('\n').flatMap((line, index) => {
    const match = /^\s*\/\/ error: (.*)$/.exec(line);
    return match ? [{ line: index + 2, text: match[1]! }] : [];
  });
}

async function* declarationFiles(dir: string): AsyncIterable<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* declarationFiles(path);
    else if (entry.name.endsWith('.d.ts')) yield path;
  }
}

describe('type tests', () => {
  it('the type tests compile: what they assert holds, and every @ts-expect-error meets its error', async () => {
    const dir = join(root, 'test', 'types');
    const files = (await readdir(dir)).filter((name) => name.endsWith('.test-d.ts')).map((name) => join(dir, name));
    assert.ok(files.length >= 3, `type tests not found in ${dir}`);
    assert.deepEqual(problems(files), []);
  });

  it('each mistake in test/types/errors fails to compile, with the message that names it, and nothing else fails', async () => {
    const file = join(root, 'test', 'types', 'errors', 'mistakes.ts');
    const expected = expectedErrors(await readFile(file, 'utf8'));
    assert.ok(expected.length >= 5);
    const found = problems([file]);
    for (const { line, text } of expected) {
      const atLine = found.filter((problem) => problem.line === line);
      assert.ok(atLine.some((problem) => problem.message.includes(text)), `line ${line}: expected an error containing ${JSON.stringify(text)}, got ${JSON.stringify(atLine.map((p) => p.message))}`);
    }
    const unexpected = found.filter((problem) => !expected.some(({ line }) => line === problem.line));
    assert.deepEqual(unexpected, []);
  });

  // What a user passes; the parsed settings adapters keep (`Resolved*Options`, `*Settings`) are theirs alone.
  it('the published option types are interfaces of their own: no zod type in their declarations', async () => {
    const leaks: string[] = [];
    for (const top of ['src', 'executors', 'platforms']) {
      for await (const path of declarationFiles(join(root, 'dist', top))) {
        const text = await readFile(path, 'utf8');
        for (const [declaration] of text.matchAll(/export (?:interface \w*Options\b[^{]*\{[^}]*\}|type (?!Resolved)\w*Options\b[^;]*;)/g)) {
          if (/\bz\.|Zod/.test(declaration)) leaks.push(`${relative(root, path)}: ${declaration.slice(0, 80)}`);
        }
      }
    }
    assert.deepEqual(leaks, []);
  });
});
