import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const example = fileURLToPath(new URL('../../../example/pipeline.js', import.meta.url));
// Found from dist/test/flows/pipeline/: the sources sit beside dist/.
const source = (path: string) => readFile(fileURLToPath(new URL(`../../../../${path}`, import.meta.url)), 'utf8');

describe('the README pipeline example', () => {
  it('runs on the local platform: the callback gets the result, finally runs, three phases', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [example], { timeout: 120_000 });
    assert.equal(stdout, "finally: succeeded\n{ image: 'A FACE AND ANOTHER FACE' }\n[ { image: 'A FACE AND ANOTHER FACE' } ]\n3\n");
  });

  it("is the code the README shows, with the package's own import paths", async () => {
    const readme = await source('README.md');
    const shown = /## Pipelines[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const code = (await source('example/pipeline.ts')).replace(/^\/\*\*[\s\S]*?\*\/\n/, '');
    const asPublished = code.replace("'../src/index.js'", "'falco'").replace("'../flows/index.js'", "'falco/flows'").replace("'../platforms/index.js'", "'falco/platforms'");
    assert.equal(shown, asPublished);
  });
});
