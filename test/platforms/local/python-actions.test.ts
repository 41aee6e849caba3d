import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { deployable, DeploymentError, FunctionError } from '../../../src/index.js';
import { now } from '../../../src/spi.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { call, lines, py } from './helpers.js';

const platform = new LocalPlatform();
const scratch = await mkdtemp(join(tmpdir(), 'falco-local-test-'));
after(async () => {
  await platform.close();
  await rm(scratch, { recursive: true, force: true });
});

/** One deployment whose main does what `args.case` asks, so that most tests share its warm instance. */
const behaviours = platform.deploy(py(lines(
  'import sys',
  'print("loading")',
  'def main(args):',
  '    case = args.get("case")',
  '    if case == "raise":',
  '        raise ValueError("bad value: " + str(args["x"]))',
  '    if case == "error":',
  '        return {"error": "no such user"}',
  '    if case == "set":',
  '        return {"items": [1, {2, 3}]}',
  '    if case == "nan":',
  '        return {"x": float("nan")}',
  '    if case == "print":',
  '        print(\'{"ok": true, "output": "forged"}\')',
  '        print("to stderr", file=sys.stderr)',
  '        sys.stdout.write("no newline")',
  '        return {"real": args["n"]}',
  '    if case == "list":',
  '        return [1, 2]',
  '    if case == "ok":',
  '        return {"ok": True}',
  '    return None',
)));

async function failure(input: unknown): Promise<unknown> {
  return call(platform, await behaviours, input).then(() => assert.fail('the call should have failed'), (error: unknown) => error);
}

/** Deploys `source` and calls it once, for what must fail at start-up. */
async function startFailure(source: string): Promise<unknown> {
  const deployment = await platform.deploy(py(source));
  try {
    await call(platform, deployment);
  } catch (error) {
    return error;
  } finally {
    await platform.remove(deployment);
  }
  return assert.fail('the call should have failed');
}

describe('local platform: Python actions', () => {
  it('runs main, merges params under the input and sees its env', async () => {
    const source = lines(
      'import os',
      'def main(args):',
      '    return {"greeting": "hello " + args["name"], "lang": args["lang"], "env": os.environ.get("GREETING")}',
    );
    const deployment = await platform.deploy(py(source, { params: { name: 'param', lang: 'py' }, env: { GREETING: 'hi' } }));
    const before = now();
    const result = await call(platform, deployment, { name: 'input' });
    assert.deepEqual(result.output, { greeting: 'hello input', lang: 'py', env: 'hi' });
    assert.equal(result.coldStart, true);
    assert.ok(result.startedAt !== undefined && result.startedAt >= before && result.startedAt <= now(), 'startedAt is on falco\'s clock');
    await platform.remove(deployment);
  });

  it("keeps the function's print() out of the protocol", async () => {
    const result = await call(platform, await behaviours, { case: 'print', n: 1 });
    assert.deepEqual(result.output, { real: 1 });
  });

  it('runs code from a directory with its own modules', async () => {
    const dir = join(scratch, 'app');
    await mkdir(dir);
    await writeFile(join(dir, '__main__.py'), lines('from helper import shout', 'def main(args):', '    return {"text": shout(args["word"])}'));
    await writeFile(join(dir, 'helper.py'), lines('def shout(word):', '    return word.upper() + "!"'));
    const deployment = await platform.deploy(deployable({ runtime: 'python:3', code: { dir } }));
    assert.deepEqual((await call(platform, deployment, { word: 'dir' })).output, { text: 'DIR!' });
    await platform.remove(deployment);
  });

  it('refuses, as OpenWhisk does, a result that is not a dict', async () => {
    for (const [input, what] of [[{ case: 'none' }, /returned nothing/], [{ case: 'list' }, /returned an array/]] as const) {
      const error = await failure(input);
      assert.ok(error instanceof FunctionError, String(error));
      assert.match(error.message, what);
      assert.match(error.message, /a dict in Python/);
    }
  });

  it('reports a raised exception as a FunctionError with its message and class, and stays warm', async () => {
    const error = await failure({ case: 'raise', x: 3 });
    assert.ok(error instanceof FunctionError, String(error));
    assert.equal(error.message, 'bad value: 3');
    assert.equal(error.errorType, 'ValueError');
    assert.match(String((error.cause as Error | undefined)?.stack), /Traceback/);
    const next = await call(platform, await behaviours, { case: 'ok' });
    assert.equal(next.coldStart, false, 'a function error does not cost the instance');
  });

  it('counts a result with an error property as a FunctionError', async () => {
    const error = await failure({ case: 'error' });
    assert.ok(error instanceof FunctionError, String(error));
    assert.equal(error.message, 'no such user');
  });

  it('reports a result JSON cannot carry as a FunctionError naming the path', async () => {
    const set = await failure({ case: 'set' });
    assert.ok(set instanceof FunctionError, String(set));
    assert.match(set.message, /result\.items\[1\] is a set/);
    const nan = await failure({ case: 'nan' });
    assert.ok(nan instanceof FunctionError, String(nan));
    assert.match(nan.message, /result\.x is nan/);
  });

  it('refuses a syntax error at deploy, naming file and line', async () => {
    const error = await platform.deploy(py(lines('def main(args):', '    x = 1', '    return {"x": x', ''))).catch((e: unknown) => e);
    assert.ok(error instanceof DeploymentError, String(error));
    assert.match(error.message, /__main__\.py:3/);
  });

  it('refuses an action without main with a DeploymentError that says what to fix', async () => {
    const error = await startFailure(lines('def handler(args):', '    return {}'));
    assert.ok(error instanceof DeploymentError, String(error));
    assert.match(error.message, /does not define a function "main": define def main\(args\)/);
  });

  it('reports a failing import as a DeploymentError naming the module and line', async () => {
    const error = await startFailure(lines('import os', 'import no_such_module_for_falco', 'def main(args):', '    return {}'));
    assert.ok(error instanceof DeploymentError, String(error));
    assert.match(error.message, /ModuleNotFoundError: No module named 'no_such_module_for_falco'/);
    assert.match(error.message, /__main__\.py:2/);
  });
});
