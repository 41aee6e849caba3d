import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { suiteTempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);
const PLATFORMS = new URL('../../../platforms/index.js', import.meta.url).href;
const CORE = new URL('../../../src/index.js', import.meta.url).href;
const CLI = new URL('../../../cli/falco.js', import.meta.url).pathname;

/** Deploys a Python and a Node.js function on the local platform, says so, and waits to be killed. */
const DEPLOYER = `
import { createPlatform } from ${JSON.stringify(PLATFORMS)};
import { deployable } from ${JSON.stringify(CORE)};
const platform = await createPlatform('local');
await platform.deploy(deployable({ runtime: 'python:3', code: { source: 'def main(args):\\n    return {}\\n' } }));
await platform.deploy(deployable({ runtime: 'nodejs:20', code: { source: 'exports.main = () => ({});' } }));
console.log('deployed');
setInterval(() => {}, 1_000);
`;

/** Runs DEPLOYER with its temp dir in `tmp` and kills it with SIGKILL once it has deployed. */
async function killedRun(tmp: string): Promise<void> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', DEPLOYER], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('deployed') && resolve());
    child.once('exit', (code) => reject(new Error(`the deploying run exited (${code}) before it deployed`)));
  });
  child.kill('SIGKILL');
  await exited;
}

async function codeDirs(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => name.startsWith('falco-local-')).sort();
}

describe('local platform: cleanup of what killed runs left', () => {
  const temp = suiteTempDir('falco-leftovers-');

  it('cleanupPlatform("local") and `falco cleanup -p local` remove the code dirs of dead runs, never a live one\'s', async () => {
    const tmp = temp();
    const live = `falco-local-${process.pid}-live`;
    await mkdir(join(tmp, live));
    await mkdir(join(tmp, 'falco-local-unrelated'));
    await killedRun(tmp);
    const left = (await codeDirs(tmp)).filter((name) => name !== live && name !== 'falco-local-unrelated');
    assert.equal(left.length, 2, `the killed run left its two code dirs: ${left.join(', ')}`);

    const cleanup = `import { cleanupPlatform } from ${JSON.stringify(PLATFORMS)};\nconsole.log(JSON.stringify(await cleanupPlatform('local')));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', cleanup], { env: { ...process.env, TMPDIR: tmp } });
    const result = JSON.parse(stdout) as { removed: string[]; failed: unknown[] };
    assert.deepEqual(result.removed.sort(), left.map((name) => join(tmp, name)));
    assert.deepEqual(result.failed, []);
    assert.deepEqual(await codeDirs(tmp), ['falco-local-unrelated', live].sort());

    await killedRun(tmp);
    const cli = await run(process.execPath, [CLI, 'cleanup', '-p', 'local'], { env: { ...process.env, TMPDIR: tmp } });
    assert.match(cli.stdout, /removed 2 leftover deployments on local/);
    assert.deepEqual(await codeDirs(tmp), ['falco-local-unrelated', live].sort());
  });
});
