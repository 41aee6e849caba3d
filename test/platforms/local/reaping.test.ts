import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AbortedError, type Deployment, TimeoutError } from '../../../src/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { call, eventually, js, lines, py } from './helpers.js';

/** Running, as opposed to gone or a zombie (dead, waiting for a parent that may never reap it). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

/** This process's threads: a worker thread is one until it has exited. */
function threads(): number {
  return readdirSync('/proc/self/task').length;
}

/** Waits for the function to write its pids (one per line) to `file`. */
async function pidsIn(file: string, count: number): Promise<number[]> {
  let pids: number[] = [];
  await eventually(() => {
    try {
      pids = readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return false;
    }
    return pids.length >= count;
  }, 10_000, `the function wrote ${count} pids to ${file}`);
  return pids;
}

// Writes its own pid and that of a `sleep 30` it starts, then waits (or spins) until it is ended.
const PY_SPAWNER = lines(
  'import os, subprocess, time',
  'def main(args):',
  '    child = subprocess.Popen(["sleep", "30"])',
  '    with open(args["file"], "w") as f:',
  '        f.write("%d\\n%d\\n" % (os.getpid(), child.pid))',
  '    while args["spin"]:',
  '        pass',
  '    time.sleep(30)',
  '    return {}',
);
const JS_SPAWNER = [
  'const { spawn } = require("node:child_process");',
  'const { writeFileSync } = require("node:fs");',
  'exports.main = async (args) => {',
  '  const child = spawn("sleep", ["30"], { stdio: "ignore" });',
  '  writeFileSync(args.file, `${child.pid}\\n`);',
  '  while (args.spin) {}',
  '  await new Promise((resolve) => setTimeout(resolve, 30_000));',
  '  return {};',
  '};',
].join('\n');

describe('local platform: ended instances are gone when remove and close resolve', () => {
  const temp = suiteTempDir('falco-reaping-');

  /** Runs one call to abort and one to time out, each writing `pidsPerCall` pids; aborts the first once both have; closes the platform. */
  async function abortAndTimeOut(platform: LocalPlatform, deployment: Deployment, name: string, pidsPerCall: number): Promise<number[]> {
    const aborted = join(temp(), `${name}-aborted`);
    const timedOut = join(temp(), `${name}-timeout`);
    const controller = new AbortController();
    const calls = [
      call(platform, deployment, { file: aborted, spin: false }, { signal: controller.signal }).catch((error: unknown) => error),
      call(platform, deployment, { file: timedOut, spin: true }).catch((error: unknown) => error),
    ];
    const pids = [...(await pidsIn(aborted, pidsPerCall)), ...(await pidsIn(timedOut, pidsPerCall))];
    controller.abort();
    const [abortError, timeoutError] = await Promise.all(calls);
    assert.ok(abortError instanceof AbortedError, String(abortError));
    assert.ok(timeoutError instanceof TimeoutError, String(timeoutError));
    await platform.close();
    return pids;
  }

  it('Python: an aborted call and a timed-out one leave no process, their children included', async () => {
    const platform = new LocalPlatform();
    const deployment = await platform.deploy(py(PY_SPAWNER, { timeoutMs: 1_000, maxInstances: 2 }));
    const pids = await abortAndTimeOut(platform, deployment, 'py', 2);
    assert.deepEqual(pids.filter(running), [], `no python process or sleep of ${pids.join(', ')} runs`);
  });

  it('Node.js: the workers of an aborted and a timed-out call have exited, and their children are gone', async () => {
    const platform = new LocalPlatform();
    // A first instance starts the threads Node.js starts lazily, so that the count below sees only workers.
    const warmUp = await platform.deploy(js(JS_SPAWNER, { timeoutMs: 1_000 }));
    await call(platform, warmUp, { file: join(temp(), 'warm-up'), spin: false }, { signal: AbortSignal.timeout(200) }).catch(() => {});
    await platform.remove(warmUp);
    const before = threads();
    const deployment = await platform.deploy(js(JS_SPAWNER, { timeoutMs: 1_000, maxInstances: 2 }));
    const pids = await abortAndTimeOut(platform, deployment, 'js', 1);
    assert.ok(threads() <= before, `the workers' threads have exited (${threads()} threads, ${before} before)`);
    assert.deepEqual(pids.filter(running), [], `no sleep of ${pids.join(', ')} runs`);
  });

  it('Python: the children of an instance that crashed are ended with it', async () => {
    const platform = new LocalPlatform();
    const source = lines(
      'import os, subprocess',
      'def main(args):',
      '    child = subprocess.Popen(["sleep", "30"])',
      '    with open(args["file"], "w") as f:',
      '        f.write("%d\\n" % child.pid)',
      '    os._exit(3)',
    );
    const deployment = await platform.deploy(py(source));
    const file = join(temp(), 'crashed');
    await assert.rejects(call(platform, deployment, { file }), /exited with code 3/);
    const [pid] = (await readFile(file, 'utf8')).split('\n').map(Number);
    await platform.close();
    assert.equal(running(pid!), false, `the sleep (${pid}) was ended`);
  });
});
