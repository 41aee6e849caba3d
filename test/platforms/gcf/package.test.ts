import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deployable, DeploymentError } from '../../../src/index.js';
import { packageFunction } from '../../../platforms/gcf/package.js';
import { gcfRuntime } from '../../../platforms/gcf/runtimes.js';
import { unzip, zipEntries } from '../../doubles/gcf/unzip.js';

describe('gcf function package', { timeout: 120_000 }, () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'falco-gcf-package-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function unpacked(zip: Buffer, name: string): Promise<string> {
    const target = join(dir, name);
    await unzip(zip, target);
    return target;
  }

  test('a Node.js package: the user code, the wrapper as package main, the loader and the configuration', async () => {
    const code = deployable({ runtime: 'nodejs:20', code: { source: 'function main(a) { return a; }' }, name: 'echo', params: { greeting: 'hi' } });
    const zip = await packageFunction(code, gcfRuntime(code.runtime));
    assert.deepEqual((await zipEntries(zip)).sort(), ['falco-config.json', 'falco-handler.mjs', 'falco-node-loader.mjs', 'index.js', 'package.json']);
    const files = await unpacked(zip, 'node');
    assert.equal(JSON.parse(await readFile(join(files, 'package.json'), 'utf8')).main, 'falco-handler.mjs');
    assert.deepEqual(JSON.parse(await readFile(join(files, 'falco-config.json'), 'utf8')), {
      entryFile: 'index.js',
      entryPoint: 'main',
      params: { greeting: 'hi' },
    });
    assert.match(await readFile(join(files, 'falco-handler.mjs'), 'utf8'), /export async function falcoHandler\(req, res\)/);
    assert.match(await readFile(join(files, 'falco-node-loader.mjs'), 'utf8'), /export async function loadEntry/);
  });

  test("a code directory's package.json keeps its dependencies, with main pointed at the wrapper", async () => {
    const source = join(dir, 'with-manifest');
    await mkdir(join(source, 'lib'), { recursive: true });
    await writeFile(join(source, 'lib', 'action.js'), 'exports.main = () => ({});');
    await writeFile(join(source, 'package.json'), JSON.stringify({ name: 'mine', main: 'lib/action.js', dependencies: { 'left-pad': '1.3.0' } }));
    const code = deployable({ runtime: 'nodejs:20', code: { dir: source }, name: 'dir' });
    const zip = await packageFunction(code, gcfRuntime(code.runtime));
    const entries = await zipEntries(zip);
    assert.equal(entries.filter((entry) => entry === 'package.json').length, 1);
    const files = await unpacked(zip, 'dir');
    assert.deepEqual(JSON.parse(await readFile(join(files, 'package.json'), 'utf8')), {
      name: 'mine',
      main: 'falco-handler.mjs',
      dependencies: { 'left-pad': '1.3.0' },
    });
    assert.equal(JSON.parse(await readFile(join(files, 'falco-config.json'), 'utf8')).entryFile, 'lib/action.js');
  });

  test('a Python package: main.py is the wrapper, the user code keeps its own file', async () => {
    const code = deployable({ runtime: 'python:3.11', code: { source: 'def main(args):\n    return args\n' }, name: 'py' });
    const zip = await packageFunction(code, gcfRuntime(code.runtime));
    assert.deepEqual((await zipEntries(zip)).sort(), ['__main__.py', 'falco-config.json', 'main.py']);
    const files = await unpacked(zip, 'python');
    assert.match(await readFile(join(files, 'main.py'), 'utf8'), /def falco_handler\(request\):/);
    assert.equal(JSON.parse(await readFile(join(files, 'falco-config.json'), 'utf8')).entryFile, '__main__.py');
  });

  test("code that takes the wrapper's file name is a DeploymentError", async () => {
    const named = deployable({ runtime: 'python:3.11', code: { source: 'def main(args):\n    return args\n' }, entryFile: 'main.py', name: 'py' });
    await assert.rejects(packageFunction(named, gcfRuntime(named.runtime)), (error: unknown) => {
      assert.ok(error instanceof DeploymentError);
      assert.match(error.message, /may not contain a file named main\.py/);
      return true;
    });
    const source = join(dir, 'with-main-py');
    await mkdir(source, { recursive: true });
    await writeFile(join(source, '__main__.py'), 'def main(args):\n    return args\n');
    await writeFile(join(source, 'main.py'), 'HELPER = 1\n');
    const inDir = deployable({ runtime: 'python:3.11', code: { dir: source }, name: 'py' });
    await assert.rejects(packageFunction(inDir, gcfRuntime(inDir.runtime)), /may not contain a file named main\.py/);
  });
});
