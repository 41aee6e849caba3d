import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { lambdaPackage } from '../../../platforms/lambda/package.js';
import { deployable, type DeployableOptions } from '../../../src/index.js';
import { zipOf } from '../../helpers/zip.js';
import { unpack } from './zip.js';

type Handler = (event: unknown) => Promise<unknown>;

describe('the Node handler wrapper, unpacked as Lambda would', () => {
  let root: string;
  let count = 0;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'falco-lambda-node-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Unpacks the function's zip into its own directory and imports the handler as Lambda's runtime does. */
  async function load(options: Omit<DeployableOptions, 'runtime'>): Promise<Handler> {
    const dir = join(root, `fn${++count}`);
    await unpack(await lambdaPackage(deployable({ runtime: 'nodejs:20', ...options })), dir);
    const module = (await import(pathToFileURL(join(dir, 'falco_handler.mjs')).href)) as { handler: Handler };
    return module.handler;
  }

  it('calls main with the event and returns its result', async () => {
    const handler = await load({ code: { source: 'function main(args) { return { sum: args.a + args.b }; }' } });
    assert.deepEqual(await handler({ a: 2, b: 3 }), { sum: 5 });
  });

  it('merges the params under the event, the event winning', async () => {
    const handler = await load({
      code: { source: 'exports.main = async (args) => args;' },
      params: { region: 'eu', limit: 10 },
    });
    assert.deepEqual(await handler({ limit: 3, n: 1 }), { region: 'eu', limit: 3, n: 1 });
    assert.deepEqual(await handler(null), { region: 'eu', limit: 10 });
    assert.deepEqual(await handler([1, 2]), [1, 2]);
  });

  it('uses the configured entry point and file, ES modules included', async () => {
    const handler = await load({
      code: { source: 'export function run(args) { return `ran ${args.x}`; }' },
      entryFile: 'action.mjs',
      entryPoint: 'run',
    });
    assert.equal(await handler({ x: 7 }), 'ran 7');
  });

  it("runs a { zip }'s main with the zip's own modules", async () => {
    const zip = await zipOf({
      'package.json': JSON.stringify({ main: 'app.js' }),
      'app.js': 'const { twice } = require("./lib/util.js");\nexports.main = ({ n }) => ({ twice: twice(n) });',
      'lib/util.js': 'exports.twice = (n) => 2 * n;',
    });
    const handler = await load({ code: { zip } });
    assert.deepEqual(await handler({ n: 21 }), { twice: 42 });
  });

  it('lets an error thrown by main through, as Lambda reports it', async () => {
    const handler = await load({ code: { source: 'function main() { throw new TypeError("bad input"); }' } });
    await assert.rejects(handler({}), { name: 'TypeError', message: 'bad input' });
  });

  it('throws on a returned { error }, so that Lambda reports a FunctionError', async () => {
    const handler = await load({
      code: {
        source: `function main(args) {
          if (args.kind === 'string') return { error: 'it broke' };
          if (args.kind === 'message') return { error: { message: 'with a message', code: 7 } };
          return { error: { code: 7 } };
        }`,
      },
    });
    await assert.rejects(handler({ kind: 'string' }), { name: 'ActionError', message: 'it broke' });
    await assert.rejects(handler({ kind: 'message' }), { name: 'ActionError', message: 'with a message' });
    await assert.rejects(handler({ kind: 'object' }), { name: 'ActionError', message: '{"code":7}' });
  });

  it('fails at load time when the entry point is missing or the code does not parse', async () => {
    await assert.rejects(load({ code: { source: 'function other() {}' } }), { name: 'ActionLoadError', message: /"main"/ });
    await assert.rejects(load({ code: { source: 'function main( {' } }), { name: 'ActionLoadError', message: /syntax error/ });
  });
});
