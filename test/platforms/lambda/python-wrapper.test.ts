import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { lambdaPackage } from '../../../platforms/lambda/package.js';
import { deployable, type DeployableOptions } from '../../../src/index.js';
import { zipOf } from '../../helpers/zip.js';
import { unpack } from './zip.js';

const run = promisify(execFile);

/**
 * Imports `falco_handler` the way Lambda's Python runtime does (the task root on sys.path) and
 * calls `handler(event, None)` for each event, printing one JSON line per call.
 */
const DRIVER = `
import json, sys
sys.path.insert(0, sys.argv[1])
try:
    import falco_handler
except Exception as error:
    print(json.dumps({"loadError": type(error).__name__, "message": str(error)}))
    sys.exit(0)
for event in json.loads(sys.argv[2]):
    try:
        print(json.dumps({"result": falco_handler.handler(event, None)}))
    except Exception as error:
        print(json.dumps({"errorType": type(error).__name__, "errorMessage": str(error)}))
`;

type Outcome = { result?: unknown; errorType?: string; errorMessage?: string; loadError?: string; message?: string };

describe('the Python handler wrapper, unpacked as Lambda would', () => {
  let root: string;
  let count = 0;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'falco-lambda-python-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function call(options: Omit<DeployableOptions, 'runtime'>, events: unknown[]): Promise<Outcome[]> {
    const dir = join(root, `fn${++count}`);
    await unpack(await lambdaPackage(deployable({ runtime: 'python:3', ...options })), dir);
    const { stdout } = await run('python3', ['-c', DRIVER, dir, JSON.stringify(events)], { cwd: root });
    return stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Outcome);
  }

  it('calls main from __main__.py with the event merged over the params', async () => {
    const outcomes = await call(
      { code: { source: 'def main(args):\n    return {"sum": args["a"] + args["b"], "name": __name__}\n' }, params: { b: 10 } },
      [{ a: 1 }, { a: 1, b: 2 }],
    );
    assert.deepEqual(outcomes, [{ result: { sum: 11, name: 'falco_action' } }, { result: { sum: 3, name: 'falco_action' } }]);
  });

  it('lets an exception raised by main through, as Lambda reports it', async () => {
    const [outcome] = await call({ code: { source: 'def main(args):\n    raise ValueError("bad input")\n' } }, [{}]);
    assert.deepEqual(outcome, { errorType: 'ValueError', errorMessage: 'bad input' });
  });

  it('raises on a returned {"error": ...}, so that Lambda reports a FunctionError', async () => {
    const source = [
      'def main(args):',
      '    kind = args["kind"]',
      '    if kind == "string": return {"error": "it broke"}',
      '    if kind == "message": return {"error": {"message": "with a message"}}',
      '    return {"error": {"code": 7}}',
      '',
    ].join('\n');
    const outcomes = await call({ code: { source } }, [{ kind: 'string' }, { kind: 'message' }, { kind: 'object' }]);
    assert.deepEqual(outcomes, [
      { errorType: 'ActionError', errorMessage: 'it broke' },
      { errorType: 'ActionError', errorMessage: 'with a message' },
      { errorType: 'ActionError', errorMessage: '{"code": 7}' },
    ]);
  });

  it("runs a { zip }'s main from the entry file named, with the zip's own packages", async () => {
    const zip = await zipOf({
      'job.py': 'from pkg.util import twice\n\ndef main(args):\n    return {"twice": twice(args["n"])}\n',
      'pkg/__init__.py': '',
      'pkg/util.py': 'def twice(n):\n    return 2 * n\n',
    });
    const [outcome] = await call({ code: { zip }, entryFile: 'job.py' }, [{ n: 21 }]);
    assert.deepEqual(outcome, { result: { twice: 42 } });
  });

  it('uses the configured entry point and file', async () => {
    const [outcome] = await call(
      { code: { source: 'def run(args):\n    return args["x"] * 2\n' }, entryFile: 'job.py', entryPoint: 'run' },
      [{ x: 21 }],
    );
    assert.deepEqual(outcome, { result: 42 });
  });

  it('fails at load time when the entry point is missing or the code does not parse', async () => {
    const [missing] = await call({ code: { source: 'def other(args):\n    return 1\n' } }, [{}]);
    assert.equal(missing?.loadError, 'ActionLoadError');
    assert.match(missing?.message ?? '', /main\(args\)/);
    const [broken] = await call({ code: { source: 'def main(args:\n    return 1\n' } }, [{}]);
    assert.equal(broken?.loadError, 'ActionLoadError');
    assert.match(broken?.message ?? '', /syntax error in __main__\.py/);
  });
});
