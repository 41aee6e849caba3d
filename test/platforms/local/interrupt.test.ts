import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { eventually } from './helpers.js';

const CLI = new URL('../../../cli/falco.js', import.meta.url).pathname;
const CORE = new URL('../../../src/index.js', import.meta.url).href;
const CALLS = 4;

/** A driver whose Python function marks that it started, then sleeps: every call is in flight when Ctrl-C comes. */
function driverModule(markers: string): string {
  const source = 'import os, time\ndef main(args):\n    open(os.path.join(args["dir"], str(args["n"])), "w").close()\n    time.sleep(30)\n    return {"slept": True}\n';
  return `
import { deployable, Driver } from ${JSON.stringify(CORE)};
const runtime = {
  makeDeployment: () => deployable({ runtime: 'python:3', name: 'sleeper', code: { source: ${JSON.stringify(source)} } }),
  invocationPayload: () => Array.from({ length: ${CALLS} }, (_, n) => ({ id: 'n' + n, input: { n, dir: ${JSON.stringify(markers)} } })),
};
export default class Sleepers extends Driver {
  runtime() { return runtime; }
}
`;
}

describe('local platform: Ctrl-C', () => {
  const temp = suiteTempDir('falco-interrupt-');

  it('a SIGINT to the terminal\'s process group aborts the run: every call in flight ends aborted, none as a KeyboardInterrupt', async () => {
    const markers = join(temp(), 'started');
    await mkdir(markers);
    const driver = join(temp(), 'driver.mjs');
    await writeFile(driver, driverModule(markers));
    const records = join(temp(), 'records.jsonl');
    // Its own process group, as a shell runs a command in the foreground: Ctrl-C signals the whole group.
    const child = spawn(process.execPath, [CLI, 'run', driver, '-q', '--records', records, '--platform-options', JSON.stringify({ maxInstances: CALLS })], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await eventually(() => readdirSync(markers).length === CALLS, 30_000, 'every call started');
      process.kill(-child.pid!, 'SIGINT');
      assert.equal(await exited, 1, output);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
    const lines = (await readFile(records, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { id: string; status: string; attempts: { errorClass?: string; error?: string }[] });
    assert.equal(lines.length, CALLS);
    for (const record of lines) {
      assert.equal(record.status, 'aborted', `${record.id}: ${JSON.stringify(record.attempts)}`);
      assert.deepEqual(record.attempts.map((attempt) => attempt.errorClass), ['aborted'], record.id);
    }
  });
});
