import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, deployable, DeploymentError, FunctionError } from '../../../src/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { call, js } from './helpers.js';

const platform = new LocalPlatform();
const scratch = await mkdtemp(join(tmpdir(), 'falco-local-test-'));
after(async () => {
  await platform.close();
  await rm(scratch, { recursive: true, force: true });
});

async function run(source: string, input: unknown = {}): Promise<unknown> {
  const deployment = await platform.deploy(js(source));
  try {
    return (await call(platform, deployment, input)).output;
  } finally {
    await platform.remove(deployment);
  }
}

async function failure(source: string, input: unknown = {}): Promise<unknown> {
  const deployment = await platform.deploy(js(source));
  try {
    await call(platform, deployment, input);
  } catch (error) {
    return error;
  } finally {
    await platform.remove(deployment);
  }
  return assert.fail('the call should have failed');
}

describe('local platform: Node.js actions', () => {
  it('runs a CommonJS action exporting main', async () => {
    assert.deepEqual(await run('exports.main = (args) => ({ twice: args.n * 2 });', { n: 21 }), { twice: 42 });
    assert.deepEqual(await run('module.exports = { main: (args) => ({ hi: args.name }) };', { name: 'cjs' }), { hi: 'cjs' });
  });

  it('runs a bare top-level function main', async () => {
    assert.deepEqual(await run('function main(args) { return { sum: args.a + args.b }; }', { a: 2, b: 3 }), { sum: 5 });
  });

  it('runs an ES module action given as inline source', async () => {
    const source = 'import { sep } from "node:path";\nexport function main(args) { return { sep, n: args.n }; }';
    assert.deepEqual(await run(source, { n: 1 }), { sep: '/', n: 1 });
  });

  it('runs an ES module action from a .mjs file', async () => {
    const file = join(scratch, 'action.mjs');
    await writeFile(file, 'export const main = async (args) => ({ from: "mjs", n: args.n });\n');
    const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { file } }));
    assert.deepEqual((await call(platform, deployment, { n: 7 })).output, { from: 'mjs', n: 7 });
    await platform.remove(deployment);
  });

  it('awaits an async main', async () => {
    const source = 'exports.main = async (args) => { await new Promise((r) => setTimeout(r, 20)); return { late: args.x }; };';
    assert.deepEqual(await run(source, { x: 'y' }), { late: 'y' });
  });

  it('runs code from a directory in place, with its own modules', async () => {
    const dir = join(scratch, 'app');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), JSON.stringify({ main: 'handler.js' }));
    await writeFile(join(dir, 'handler.js'), 'const { greet } = require("./greet.js");\nexports.main = (args) => ({ text: greet(args.name) });\n');
    await writeFile(join(dir, 'greet.js'), 'exports.greet = (name) => `hello ${name}`;\n');
    const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { dir } }));
    assert.deepEqual((await call(platform, deployment, { name: 'dir' })).output, { text: 'hello dir' });
    await platform.remove(deployment);
  });

  it('merges the deployment params under the input, the input winning', async () => {
    const deployment = await platform.deploy(js('exports.main = (args) => args;', { params: { a: 1, b: 'param' } }));
    assert.deepEqual((await call(platform, deployment, { b: 'input', c: true })).output, { a: 1, b: 'input', c: true });
    assert.deepEqual((await call(platform, deployment, undefined)).output, { a: 1, b: 'param' });
    await assert.rejects(call(platform, deployment, [1, 2]), (error: unknown) => error instanceof ConfigError && /must be a JSON object/.test(error.message));
    await platform.remove(deployment);
  });

  it('passes input through as JSON, as a FaaS does', async () => {
    const output = await run('exports.main = (args) => ({ type: typeof args.when, value: args.when, keys: Object.keys(args) });', {
      when: new Date(0),
      dropped: undefined,
    });
    assert.deepEqual(output, { type: 'string', value: '1970-01-01T00:00:00.000Z', keys: ['when'] });
  });

  it('refuses input JSON cannot carry, naming the path', async () => {
    const deployment = await platform.deploy(js('exports.main = (args) => args;'));
    await assert.rejects(call(platform, deployment, { deep: { n: 1n } }), (error: unknown) => error instanceof ConfigError && /input\.deep\.n is a BigInt/.test(error.message));
    await platform.remove(deployment);
  });

  it("gives the function its own env and not the caller's", async () => {
    process.env.FALCO_LOCAL_TEST_SECRET = 'do not leak';
    try {
      const deployment = await platform.deploy(js('exports.main = () => ({ own: process.env.GREETING ?? null, leaked: process.env.FALCO_LOCAL_TEST_SECRET ?? null });', { env: { GREETING: 'hi' } }));
      assert.deepEqual((await call(platform, deployment)).output, { own: 'hi', leaked: null });
      await platform.remove(deployment);
    } finally {
      delete process.env.FALCO_LOCAL_TEST_SECRET;
    }
  });

  it('refuses, as OpenWhisk does, a result that is not a JSON object', async () => {
    for (const [main, what] of [['() => {}', /returned nothing/], ['() => [1, 2]', /returned an array/], ['() => 42', /returned a number \(42\)/], ['() => "done"', /returned a string \("done"\)/], ['async () => null', /returned nothing/]] as const) {
      const error = await failure(`exports.main = ${main};`);
      assert.ok(error instanceof FunctionError, String(error));
      assert.match(error.message, what);
      assert.match(error.message, /not a JSON object: make main return an object/);
    }
  });

  it('reports a thrown error as a FunctionError with its message and type', async () => {
    const error = await failure('class QuotaError extends Error { name = "QuotaError"; }\nexports.main = () => { throw new QuotaError("over quota"); };');
    assert.ok(error instanceof FunctionError);
    assert.equal(error.message, 'over quota');
    assert.equal(error.errorType, 'QuotaError');
    assert.equal(error.timings?.coldStart, true);
    assert.equal(typeof error.timings?.activationId, 'string');
    assert.match(String((error.cause as Error | undefined)?.stack), /over quota/);
  });

  it('reports a rejected promise and a thrown non-error', async () => {
    const rejected = await failure('exports.main = async () => { throw new TypeError("bad type"); };');
    assert.ok(rejected instanceof FunctionError);
    assert.equal(rejected.message, 'bad type');
    assert.equal(rejected.errorType, 'TypeError');
    const thrown = await failure('exports.main = () => { throw "plain string"; };');
    assert.ok(thrown instanceof FunctionError);
    assert.equal(thrown.message, 'plain string');
  });

  it('counts a result with an error property as a FunctionError', async () => {
    const plain = await failure('exports.main = () => ({ error: "no such user" });');
    assert.ok(plain instanceof FunctionError);
    assert.equal(plain.message, 'no such user');
    const structured = await failure('exports.main = () => ({ error: { name: "NotFound", message: "gone" } });');
    assert.ok(structured instanceof FunctionError);
    assert.equal(structured.message, 'gone');
    assert.equal(structured.errorType, 'NotFound');
  });

  it('reports a result JSON cannot carry as a FunctionError naming the path', async () => {
    const bigint = await failure('exports.main = () => ({ a: { b: [1, 2n] } });');
    assert.ok(bigint instanceof FunctionError);
    assert.match(bigint.message, /result\.a\.b\[1\] is a BigInt/);
    const map = await failure('exports.main = () => ({ m: new Map() });');
    assert.ok(map instanceof FunctionError);
    assert.match(map.message, /result\.m is a Map/);
  });

  it('refuses a CommonJS syntax error at deploy, naming file and line', async () => {
    const error = await platform.deploy(js('exports.main = () => {\n  return 1;\n  const = 2;\n};')).catch((e: unknown) => e);
    assert.ok(error instanceof DeploymentError, String(error));
    assert.match(error.message, /index\.js:3/);
  });

  it('refuses an ES module syntax error at deploy, naming file and line', async () => {
    const error = await platform.deploy(js('export function main() {\n  return 1;\n}\nexport const = 3;\n')).catch((e: unknown) => e);
    assert.ok(error instanceof DeploymentError, String(error));
    assert.match(error.message, /index\.js:4/);
    assert.match(error.message, /SyntaxError/);
  });

  it('refuses an action without main with a DeploymentError that says what to fix', async () => {
    const error = await failure('exports.handler = () => 1;');
    assert.ok(error instanceof DeploymentError, String(error));
    assert.match(error.message, /does not define a function "main"/);
    assert.match(error.message, /module\.exports\.main/);
  });

  it('reports an action that throws while loading as a DeploymentError', async () => {
    const error = await failure('const config = JSON.parse("{oops");\nexports.main = () => config;');
    assert.ok(error instanceof DeploymentError, String(error));
    assert.match(error.message, /SyntaxError/);
    assert.match(error.message, /index\.js:1/);
  });
});
