import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FunctionError, type Deployable } from '../../../src/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { call, js, lines, py } from './helpers.js';

const threads = new LocalPlatform();
const processes = new LocalPlatform({ isolation: 'process' });
after(() => Promise.all([threads.close(), processes.close()]));

/** Calls once to warm an instance, then with `input`: it must fail for memory, and the next call must run on a new instance. */
async function outOfMemory(platform: LocalPlatform, code: Deployable, input: object): Promise<FunctionError> {
  const deployment = await platform.deploy(code);
  const before = await call<{ pid: number }>(platform, deployment);
  const error = await call(platform, deployment, input).then(() => assert.fail('the call should have run out of memory'), (e: unknown) => e);
  assert.ok(error instanceof FunctionError, String(error));
  assert.equal(error.outOfMemory, true, `classified as out of memory, so a memoryRetry can give it more; it failed with: ${error.message}`);
  assert.match(error.message, new RegExp(`ran out of memory: it exceeded its memory limit of ${code.memoryMB} MB .*its instance was replaced`));
  const after = await call<{ pid: number }>(platform, deployment);
  assert.equal(after.coldStart, true);
  assert.notEqual(after.output.pid, before.output.pid);
  await platform.remove(deployment);
  return error;
}

const NODE = 'exports.main = (args) => { if (args.buffer) Buffer.alloc(args.buffer); const hoard = []; while (args.hoard) hoard.push(new Array(100_000).fill(hoard.length)); return { pid: process.pid }; };';

describe('local platform: the memory limit covers everything a function allocates', () => {
  it("Node.js, isolation 'process': a 1 GiB Buffer in a 128 MB function", async () => {
    const error = await outOfMemory(processes, js(NODE, { memoryMB: 128 }), { buffer: 2 ** 30 });
    assert.match(error.message, /Array buffer allocation failed/);
  });

  it("Node.js, isolation 'process': a heap that outgrows 128 MB ends the process", async () => {
    const error = await outOfMemory(processes, js(NODE, { memoryMB: 128 }), { hoard: true });
    assert.match(error.message, /JavaScript heap out of memory/);
  });

  it('Python: a 1 GiB bytearray in a 128 MB function', async () => {
    const source = lines('import os', 'def main(args):', '    data = bytearray(args.get("size", 0))', '    return {"pid": os.getpid()}');
    const error = await outOfMemory(threads, py(source, { memoryMB: 128 }), { size: 2 ** 30 });
    assert.equal(error.errorType, 'MemoryError');
  });

  it('Python: a result that fits in memory but whose JSON does not', async () => {
    const source = lines('import os', 'def main(args):', '    return {"pid": os.getpid(), "text": "x" * args.get("size", 0)}');
    const error = await outOfMemory(threads, py(source, { memoryMB: 128 }), { size: 48 * 2 ** 20 });
    assert.match(error.message, /MemoryError while turning the result into JSON/);
  });
});
