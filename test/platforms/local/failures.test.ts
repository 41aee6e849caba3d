import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AbortedError, FunctionError, TimeoutError } from '../../../src/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { call, delay, eventually, js, lines, processExists, py, WHO_JS, WHO_PY, type Who } from './helpers.js';

const platform = new LocalPlatform();
after(() => platform.close());

describe('local platform: failing instances', () => {
  it('Node.js: a call past its timeout fails with TimeoutError and the instance is replaced', async () => {
    const deployment = await platform.deploy(js('const { threadId } = require("node:worker_threads");\nexports.main = (args) => { while (args.spin) {} return { id: threadId }; };', { timeoutMs: 300 }));
    const warm = await call<{ id: number }>(platform, deployment, { spin: false });
    // main spins for ever: only the timeout can end this call.
    const error = await call(platform, deployment, { spin: true }).catch((e: unknown) => e);
    assert.ok(error instanceof TimeoutError, String(error));
    assert.match(error.message, /300 ms/);
    const next = await call<{ id: number }>(platform, deployment, { spin: false });
    assert.equal(next.coldStart, true);
    assert.notEqual(next.output.id, warm.output.id);
    await platform.remove(deployment);
  });

  it('Python: a call past its timeout kills the process and the next call gets a new one', async () => {
    const source = lines('import os', 'def main(args):', '    while args["spin"]:', '        pass', '    return {"id": os.getpid()}');
    const deployment = await platform.deploy(py(source, { timeoutMs: 300 }));
    const warm = await call<{ id: number }>(platform, deployment, { spin: false });
    const error = await call(platform, deployment, { spin: true }).catch((e: unknown) => e);
    assert.ok(error instanceof TimeoutError, String(error));
    await eventually(() => !processExists(warm.output.id), 5_000, 'the timed-out python process is gone');
    const next = await call<{ id: number }>(platform, deployment, { spin: false });
    assert.equal(next.coldStart, true);
    assert.notEqual(next.output.id, warm.output.id);
    await platform.remove(deployment);
  });

  it('Node.js: running out of memory is a FunctionError naming the limit, and the pool recovers', async () => {
    const source = 'exports.main = (args) => { const hoard = []; while (args.hoard) hoard.push(new Array(100_000).fill(hoard.length)); return { ok: true }; };';
    const deployment = await platform.deploy(js(source, { memoryMB: 64 }));
    const error = await call(platform, deployment, { hoard: true }).catch((e: unknown) => e);
    assert.ok(error instanceof FunctionError, String(error));
    assert.match(error.message, /memory limit of 64 MB/);
    const next = await call(platform, deployment, { hoard: false });
    assert.deepEqual(next.output, { ok: true });
    assert.equal(next.coldStart, true);
    await platform.remove(deployment);
  });

  it('Python: running out of memory is a FunctionError naming the limit, and the pool recovers', async () => {
    const source = lines('import os', 'def main(args):', '    hoard = bytearray(args["mb"] * 1024 * 1024)', '    return {"id": os.getpid(), "size": len(hoard)}');
    const deployment = await platform.deploy(py(source, { memoryMB: 128 }));
    const fits = await call<{ id: number }>(platform, deployment, { mb: 16 });
    const error = await call(platform, deployment, { mb: 512 }).catch((e: unknown) => e);
    assert.ok(error instanceof FunctionError, String(error));
    assert.match(error.message, /memory limit of 128 MB/);
    assert.equal(error.errorType, 'MemoryError');
    const next = await call<{ id: number }>(platform, deployment, { mb: 16 });
    assert.equal(next.coldStart, true);
    assert.notEqual(next.output.id, fits.output.id);
    await platform.remove(deployment);
  });

  it('an instance that dies mid-call fails that call and is replaced', async () => {
    const nodeDeployment = await platform.deploy(js('exports.main = (args) => { if (args.die) process.exit(7); return { ok: true }; };'));
    const died = await call(platform, nodeDeployment, { die: true }).catch((e: unknown) => e);
    assert.ok(died instanceof FunctionError, String(died));
    assert.match(died.message, /exited with code 7/);
    assert.deepEqual((await call(platform, nodeDeployment, { die: false })).output, { ok: true });
    await platform.remove(nodeDeployment);

    const pySource = lines(
      'import os, signal',
      'def main(args):',
      '    if args["die"] == "exit":',
      '        os._exit(3)',
      '    if args["die"] == "kill":',
      '        os.kill(os.getpid(), signal.SIGKILL)',
      '    return {"ok": True}',
    );
    const pyDeployment = await platform.deploy(py(pySource, { memoryMB: 128 }));
    const exited = await call(platform, pyDeployment, { die: 'exit' }).catch((e: unknown) => e);
    assert.ok(exited instanceof FunctionError, String(exited));
    assert.match(exited.message, /exited with code 3/);
    const killed = await call(platform, pyDeployment, { die: 'kill' }).catch((e: unknown) => e);
    assert.ok(killed instanceof FunctionError, String(killed));
    assert.match(killed.message, /SIGKILL.*memory.*128 MB/);
    assert.deepEqual((await call(platform, pyDeployment, { die: false })).output, { ok: true });
    await platform.remove(pyDeployment);
  });

  it('an abort mid-call rejects at once with AbortedError and ends the instance', async () => {
    const deployment = await platform.deploy(js(WHO_JS));
    const warm = await call<Who>(platform, deployment);
    const controller = new AbortController();
    const started = Date.now();
    // main sleeps ten minutes: had the abort waited for it, this test would fail by far, not by a margin.
    const pending = call(platform, deployment, { sleep: 600_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    const error = await pending.catch((e: unknown) => e);
    assert.ok(error instanceof AbortedError, String(error));
    assert.ok(Date.now() - started < 300_000, 'the abort did not wait for main');
    const next = await call<Who>(platform, deployment);
    assert.equal(next.coldStart, true);
    assert.notEqual(next.output.id, warm.output.id);
    await assert.rejects(call(platform, deployment, {}, { signal: AbortSignal.abort() }), AbortedError);
    await platform.remove(deployment);
  });

  it('an abort ends a python instance too', async () => {
    const deployment = await platform.deploy(py(WHO_PY));
    const warm = await call<Who>(platform, deployment);
    const controller = new AbortController();
    // main sleeps ten minutes: had the abort waited for it, this test would fail by far, not by a margin.
    const pending = call(platform, deployment, { sleep: 600_000 }, { signal: controller.signal });
    await delay(50);
    controller.abort();
    await assert.rejects(pending, AbortedError);
    await eventually(() => !processExists(warm.output.id), 5_000, 'the aborted python process is gone');
    await platform.remove(deployment);
  });

  it('a function that writes to the protocol\'s channel fails with a message naming it, and its instance is replaced', async () => {
    const pySource = lines('import os', 'def main(args):', '    if args.get("write"):', '        os.write(4, args["write"].encode())', '    return {"id": os.getpid()}');
    const pyDeployment = await platform.deploy(py(pySource));
    const jsSource = 'const { parentPort, threadId } = require("node:worker_threads");\nexports.main = (args) => { if (args.post !== undefined) parentPort.postMessage(args.post); return { id: threadId }; };';
    const jsDeployment = await platform.deploy(js(jsSource));
    const cases = [
      // Python's replies are frames: bytes that are not one end the instance as a broken protocol.
      [pyDeployment, { write: '{}\n' }, /broke the local platform's protocol \(fds 3 and 4 carry falco's calls and replies\): a frame of \d+ bytes is more than the protocol allows/],
      [pyDeployment, { write: 'hello\n' }, /broke the local platform's protocol \(fds 3 and 4 carry falco's calls and replies\): a frame of \d+ bytes is more than the protocol allows/],
      [jsDeployment, { post: '{}' }, /wrote "\{\}" to the worker thread's parentPort/],
      [jsDeployment, { post: { not: 'text' } }, /wrote "\{\\"not\\":\\"text\\"\}" to the worker thread's parentPort/],
    ] as const;
    for (const [deployment, input, message] of cases) {
      const warm = await call<{ id: number }>(platform, deployment);
      const error = await call(platform, deployment, input).catch((e: unknown) => e);
      assert.ok(error instanceof FunctionError, String(error));
      assert.match(error.message, message);
      assert.match(error.message, /could not send its result and was ended: write the function's output to stdout or stderr/);
      const next = await call<{ id: number }>(platform, deployment);
      assert.equal(next.coldStart, true);
      assert.notEqual(next.output.id, warm.output.id);
    }
    await platform.remove(pyDeployment);
    await platform.remove(jsDeployment);
  });
});
