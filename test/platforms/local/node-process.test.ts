import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AbortedError, ConfigError, DeploymentError, FatalError, FunctionError, TimeoutError } from '../../../src/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { call, eventually, js, processExists } from './helpers.js';

const platform = new LocalPlatform({ isolation: 'process' });
after(() => platform.close());

type Pid = { pid: number };
const PID = 'exports.main = async (args) => { if (args.sleep) await new Promise((r) => setTimeout(r, args.sleep)); while (args.spin) {} return { pid: process.pid }; };';

describe("local platform: isolation 'process' runs Node.js functions in node processes", () => {
  it('refuses an isolation it does not know, naming the option', () => {
    assert.throws(() => new LocalPlatform({ isolation: 'vm' as 'thread' }), (error: unknown) => error instanceof ConfigError && /isolation/.test(error.message));
  });

  it('runs CommonJS and ES module actions with params and env, in a process of their own, reused while warm', async () => {
    const cjs = await platform.deploy(js('exports.main = (args) => ({ sum: args.a + args.b, env: process.env.GREETING, pid: process.pid });', { params: { a: 1 }, env: { GREETING: 'hi' } }));
    const first = await call<{ sum: number; env: string; pid: number }>(platform, cjs, { b: 2 });
    assert.deepEqual({ ...first.output, pid: 0 }, { sum: 3, env: 'hi', pid: 0 });
    assert.notEqual(first.output.pid, process.pid);
    assert.equal(first.coldStart, true);
    const second = await call<Pid>(platform, cjs, { b: 2 });
    assert.equal(second.coldStart, false);
    assert.equal(second.output.pid, first.output.pid);
    const esm = await platform.deploy(js('export async function main({ n }) { return { square: n * n }; }'));
    assert.deepEqual((await call(platform, esm, { n: 12 })).output, { square: 144 });
    await Promise.all([platform.remove(cjs), platform.remove(esm)]);
  });

  it("reports the function's errors as a Python or worker instance does", async () => {
    const deployment = await platform.deploy(js('exports.main = (args) => { if (args.exit) process.exit(7); if (args.throw) throw new TypeError("bad " + args.throw); if (args.nothing) return undefined; return { error: "no such user" }; };'));
    const thrown = await call(platform, deployment, { throw: 'x' }).catch((e: unknown) => e);
    assert.ok(thrown instanceof FunctionError && thrown.errorType === 'TypeError' && thrown.message === 'bad x', String(thrown));
    await assert.rejects(call(platform, deployment, {}), (error: unknown) => error instanceof FunctionError && error.message === 'no such user');
    await assert.rejects(call(platform, deployment, { nothing: true }), (error: unknown) => error instanceof FunctionError && /returned nothing/.test(error.message));
    await assert.rejects(call(platform, deployment, { exit: true }), (error: unknown) => error instanceof FunctionError && /exited with code 7/.test(error.message));
    await platform.remove(deployment);
  });

  it('refuses an action that fails to load with a DeploymentError', async () => {
    const deployment = await platform.deploy(js('throw new Error("no config");\nexports.main = () => ({});'));
    await assert.rejects(call(platform, deployment), (error: unknown) => error instanceof DeploymentError && /loading .* failed: Error: no config/.test(error.message));
    await platform.remove(deployment);
  });

  it("never lets the function's own output reach the protocol", async () => {
    const forged = JSON.stringify('\x00\x00\x00\x18{"ok":true,"output":666}');
    const deployment = await platform.deploy(js(`exports.main = (args) => { console.log(${forged}); process.stdout.write(${forged}); console.error(${forged}); require("node:child_process").execSync("printf forged >&4 || true"); return { real: args.n }; };`));
    for (const n of [1, 2]) assert.deepEqual((await call(platform, deployment, { n })).output, { real: n });
    await platform.remove(deployment);
  });

  it('ends the process of a call past its timeout, or aborted, and starts a new one', async () => {
    const deployment = await platform.deploy(js(PID, { timeoutMs: 500 }));
    const warm = await call<Pid>(platform, deployment);
    await assert.rejects(call(platform, deployment, { spin: true }), TimeoutError);
    await eventually(() => !processExists(warm.output.pid), 5_000, 'the timed-out node process is gone');
    const next = await call<Pid>(platform, deployment);
    assert.equal(next.coldStart, true);
    const controller = new AbortController();
    const aborted = call(platform, deployment, { sleep: 10_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(aborted, AbortedError);
    await eventually(() => !processExists(next.output.pid), 5_000, 'the aborted node process is gone');
    await platform.remove(deployment);
  });

  it('remove kills and reaps every node process, failing the call in flight', async () => {
    const deployment = await platform.deploy(js(PID));
    const pids = (await Promise.all([call<Pid>(platform, deployment), call<Pid>(platform, deployment)])).map((result) => result.output.pid);
    assert.equal(new Set(pids).size, 2);
    const inFlight = call(platform, deployment, { sleep: 10_000 }).catch((error: unknown) => error);
    await platform.remove(deployment);
    assert.ok((await inFlight) instanceof FatalError);
    assert.deepEqual(pids.filter(processExists), [], 'no node process, zombie or not, is left');
  });
});
