import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const example = fileURLToPath(new URL('../../example/triggers.js', import.meta.url));
// Found from dist/test/flows/: the sources sit beside dist/.
const source = (path: string) => readFile(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), 'utf8');

describe('the README trigger example', () => {
  it('fans out ten invocations on the local platform, joins them with an N an event set, and exits', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [example], { timeout: 120_000 });
    assert.equal(stdout, 'sum of squares: 385\n');
  });

  it('is the code the README shows, with the package\'s own import paths', async () => {
    const readme = await source('README.md');
    const shown = /## Triggers and events[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const code = (await source('example/triggers.ts')).replace(/^\/\*\*[\s\S]*?\*\/\n/, '');
    const asPublished = code.replace("'../flows/index.js'", "'falco/flows'").replace("'../platforms/index.js'", "'falco/platforms'").replace("'../stores/index.js'", "'falco/stores'");
    assert.equal(shown, asPublished);
  });
});
