import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The JavaScript blocks of the subsections "State" and "Signing", with what their `console.log(...); // ...` comments promise. */
async function examples(): Promise<Array<{ heading: string; code: string; expected: string[] }>> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  return ['### State', '### Signing'].map((heading) => {
    const start = readme.indexOf(`\n${heading}\n`);
    assert.ok(start >= 0, `the README has a subsection "${heading}"`);
    const section = readme.slice(start + 1, readme.slice(start + 1).search(/\n##+ /) + start + 1);
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(code, `"${heading}" has a js example`);
    return { heading, code, expected: [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map(([, line]) => line!) };
  });
}

describe('the README subsections "State" and "Signing" of "Pipelines"', () => {
  // Inside the package, so `import ... from 'falco/stores'` resolves to this build.
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(root, 'dist', '.readme-pipeline-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('runs each example as written and prints what its comments say', async () => {
    for (const { heading, code, expected } of await examples()) {
      const file = join(dir, `${heading.slice(4).toLowerCase()}.mjs`);
      await writeFile(file, code);
      const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: dir, timeout: 60_000 });
      assert.deepEqual(stdout.trim().split('\n'), expected, heading);
    }
  });
});
