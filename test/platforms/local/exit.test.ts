import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { processExists } from './helpers.js';

const PLATFORM = new URL('../../../platforms/local/index.js', import.meta.url).href;
const CORE = new URL('../../../src/index.js', import.meta.url).href;

/**
 * A script that uses every kind of instance, then closes the platform (or not). If anything it
 * leaves behind keeps the event loop alive, the script does not exit and the test times it out.
 */
function script(close: boolean): string {
  return `
import { LocalPlatform } from ${JSON.stringify(PLATFORM)};
import { deployable } from ${JSON.stringify(CORE)};
const platform = new LocalPlatform();
const node = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'exports.main = (a) => ({ n: a.n })' } }));
const python = await platform.deploy(deployable({ runtime: 'python:3', code: { source: 'import os\\ndef main(a):\\n    return {"pid": os.getpid(), "dir": os.getcwd()}\\n' } }));
const options = { invocationId: 'x', attempt: 1, signal: new AbortController().signal };
const pythons = await Promise.all([platform.invoke(python, {}, options), platform.invoke(python, {}, options)]);
await Promise.all([platform.invoke(node, { n: 1 }, options), platform.invoke(node, { n: 2 }, options)]);
const submission = await platform.submit(node, { n: 3 }, options);
while ((await platform.poll(node, submission)) === undefined) await new Promise((r) => setTimeout(r, 5));
${close ? 'await platform.close();' : ''}
console.log(JSON.stringify(pythons.map((r) => r.output)));
`;
}

function runScript(source: string): Promise<{ code: number | null; stdout: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', source], { timeout: 20_000, killSignal: 'SIGKILL' }, (_error, stdout) => {
      resolve({ code: child.exitCode, stdout, ms: Date.now() - started });
    });
  });
}

describe('local platform: nothing keeps the process alive', () => {
  it('after close, the process exits and every python process and code dir is gone', async () => {
    const { code, stdout, ms } = await runScript(script(true));
    assert.equal(code, 0, `the script exited by itself (after ${ms} ms)`);
    const instances = JSON.parse(stdout) as { pid: number; dir: string }[];
    assert.equal(instances.length, 2);
    assert.deepEqual(instances.filter(({ pid }) => processExists(pid)), []);
    assert.deepEqual(instances.filter(({ dir }) => existsSync(dir)), []);
  });

  it('warm idle instances do not keep the process alive either, and their code dirs go at exit', async () => {
    const { code, stdout, ms } = await runScript(script(false));
    assert.equal(code, 0, `the script exited by itself (after ${ms} ms)`);
    const instances = JSON.parse(stdout) as { pid: number; dir: string }[];
    assert.deepEqual(instances.filter(({ dir }) => existsSync(dir)), []);
  });
});
