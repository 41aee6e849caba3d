import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const platformUrl = new URL('../../../platforms/local/index.js', import.meta.url).href;
const srcUrl = new URL('../../../src/index.js', import.meta.url).href;

/** A run in a process of its own whose functions print, so that its stdout and stderr can be read. */
function script(logs: 'ignore' | 'inherit'): string {
  return `
import { LocalPlatform } from ${JSON.stringify(platformUrl)};
import { deployable } from ${JSON.stringify(srcUrl)};
const platform = new LocalPlatform({ logs: ${JSON.stringify(logs)} });
const node = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'exports.main = () => { console.log("out of node"); console.error("err of node"); return {}; };' } }));
const python = await platform.deploy(deployable({ runtime: 'python:3', code: { source: 'import sys\\ndef main(args):\\n    print("out of python")\\n    print("err of python", file=sys.stderr)\\n    return {}\\n' } }));
for (const deployment of [node, python]) await platform.invoke(deployment, {}, { invocationId: 'logs', attempt: 1 });
await platform.close();
`;
}

describe('local platform: logs', () => {
  it("'inherit' passes every function's stdout and stderr to the host's; 'ignore' drops them", async () => {
    const inherited = await run(process.execPath, ['--input-type=module', '-e', script('inherit')]);
    for (const runtime of ['node', 'python']) {
      assert.match(inherited.stdout, new RegExp(`out of ${runtime}`));
      assert.match(inherited.stderr, new RegExp(`err of ${runtime}`));
    }
    const ignored = await run(process.execPath, ['--input-type=module', '-e', script('ignore')]);
    assert.deepEqual([ignored.stdout, ignored.stderr], ['', '']);
  });
});
