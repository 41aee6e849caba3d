import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lambdaPackage, type WrapperConfig } from '../../../platforms/lambda/package.js';
import { deployable, DeploymentError } from '../../../src/index.js';
import { unzip } from './zip.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { zipOf } from '../../helpers/zip.js';

const LOADER = new URL('../../../platforms/shared/node-loader.js', import.meta.url);

function configOf(files: Map<string, Buffer>): WrapperConfig {
  const config = files.get('falco.json');
  assert.ok(config, 'falco.json is in the zip');
  return JSON.parse(config.toString('utf8')) as WrapperConfig;
}

describe('lambda package', () => {
  const dir = suiteTempDir('falco-lambda-package-');

  it('zips Node code with the handler wrapper, the shared loader and the config', async () => {
    const source = 'function main(args) { return args; }';
    const files = await unzip(
      await lambdaPackage(deployable({ runtime: 'nodejs:20', code: { source }, entryPoint: 'run', params: { k: 1 } })),
    );
    assert.deepEqual([...files.keys()].sort(), ['falco.json', 'falco_handler.mjs', 'falco_loader.mjs', 'index.js']);
    assert.equal(files.get('index.js')?.toString(), source);
    assert.match(files.get('falco_handler.mjs')?.toString() ?? '', /export async function handler\(event\)/);
    assert.deepEqual(files.get('falco_loader.mjs'), await readFile(LOADER));
    assert.deepEqual(configOf(files), { entryFile: 'index.js', entryPoint: 'run', params: { k: 1 } });
  });

  it('zips Python code with the Python wrapper and no Node loader', async () => {
    const files = await unzip(await lambdaPackage(deployable({ runtime: 'python:3', code: { source: 'def main(args):\n  return args\n' } })));
    assert.deepEqual([...files.keys()].sort(), ['__main__.py', 'falco.json', 'falco_handler.py']);
    assert.match(files.get('falco_handler.py')?.toString() ?? '', /^def handler\(event, context\):/m);
    assert.equal(configOf(files).entryFile, '__main__.py');
  });

  it('zips a whole directory and finds the entry file from package.json', async () => {
    const code = join(dir(), 'app');
    await mkdir(join(code, 'lib'), { recursive: true });
    await writeFile(join(code, 'package.json'), JSON.stringify({ main: 'server.js' }));
    await writeFile(join(code, 'server.js'), 'exports.main = (a) => require("./lib/util.js").twice(a.n);');
    await writeFile(join(code, 'lib', 'util.js'), 'exports.twice = (n) => 2 * n;');
    const files = await unzip(await lambdaPackage(deployable({ runtime: 'nodejs:20', code: { dir: code } })));
    for (const name of ['server.js', 'lib/util.js', 'package.json', 'falco_handler.mjs']) assert.ok(files.has(name), name);
    assert.equal(configOf(files).entryFile, 'server.js');
  });

  it("adds the wrapper to a { zip }'s own files, and finds the entry file from its package.json", async () => {
    const zip = await zipOf({
      'package.json': JSON.stringify({ main: './src/app.js' }),
      'src/app.js': 'exports.main = (a) => require("../lib/util.js").twice(a.n);',
      'lib/util.js': 'exports.twice = (n) => 2 * n;',
    });
    const files = await unzip(await lambdaPackage(deployable({ runtime: 'nodejs:20', code: { zip } })));
    assert.deepEqual([...files.keys()].sort(), ['falco.json', 'falco_handler.mjs', 'falco_loader.mjs', 'lib/util.js', 'package.json', 'src/app.js']);
    assert.equal(configOf(files).entryFile, 'src/app.js');
  });

  it('refuses code it cannot read, and a zip without its entry file, with a DeploymentError naming it', async () => {
    await assert.rejects(
      lambdaPackage(deployable({ runtime: 'nodejs:20', code: { zip: new Uint8Array([1, 2, 3]) } })),
      (error: unknown) => error instanceof DeploymentError && /\{ zip \} code cannot be read: it is not a zip archive/.test(error.message),
    );
    await assert.rejects(
      lambdaPackage(deployable({ runtime: 'nodejs:20', code: { file: join(dir(), 'missing.js') } })),
      DeploymentError,
    );
    const zip = await zipOf({ 'lib/handler.py': 'def main(args):\n    return args\n' });
    await assert.rejects(
      lambdaPackage(deployable({ runtime: 'python:3', code: { zip } })),
      (error: unknown) =>
        error instanceof DeploymentError &&
        /the function's zip has no __main__\.py, the file that should hold main\(args\): add it to the zip, or name the file that holds it with entryFile/.test(error.message),
    );
  });
});
