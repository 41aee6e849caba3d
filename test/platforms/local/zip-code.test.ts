import archiver from 'archiver';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { deployable, DeploymentError, type DeployableOptions } from '../../../src/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { call, lines } from './helpers.js';

const platform = new LocalPlatform();
after(() => platform.close());

/** A zip made by archiver, as a user makes one: files by name, and symbolic links. */
async function zip(files: Record<string, string>, links: Record<string, string> = {}): Promise<Buffer> {
  const archive = archiver('zip');
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve, reject) => archive.on('end', resolve).on('error', reject));
  for (const [name, content] of Object.entries(files)) archive.append(content, { name });
  for (const [name, target] of Object.entries(links)) archive.symlink(name, target);
  await archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}

function zipped(runtime: string, bytes: Buffer, extra: Partial<DeployableOptions> = {}) {
  return deployable({ runtime, code: { zip: bytes }, timeoutMs: 10_000, ...extra });
}

describe('local platform: zip code', () => {
  it('deploys a Node.js zip, with its modules and its own package.json, and invokes it', async () => {
    const bytes = await zip({
      'package.json': JSON.stringify({ main: 'src/handler.js', type: 'module', imports: { '#square': './src/lib/square.js' } }),
      'src/handler.js': 'import { square } from "#square";\nexport function main({ n }) { return { square: square(n) }; }\n',
      'src/lib/square.js': 'export const square = (n) => n * n;\n',
    });
    const deployment = await platform.deploy(zipped('nodejs:20', bytes));
    assert.deepEqual((await call(platform, deployment, { n: 7 })).output, { square: 49 });
    await platform.remove(deployment);
  });

  it('deploys a Python zip with a module beside __main__.py, and invokes it', async () => {
    const bytes = await zip({
      '__main__.py': lines('from helpers.square import square', 'def main(args):', '    return {"square": square(args["n"])}'),
      'helpers/__init__.py': '',
      'helpers/square.py': lines('def square(n):', '    return n * n'),
    });
    const deployment = await platform.deploy(zipped('python:3', bytes));
    assert.deepEqual((await call(platform, deployment, { n: 9 })).output, { square: 81 });
    await platform.remove(deployment);
  });

  it('takes the entry file the deployable names', async () => {
    const bytes = await zip({ 'handlers/square.py': lines('def handle(args):', '    return {"square": args["n"] ** 2}') });
    const deployment = await platform.deploy(zipped('python:3', bytes, { entryFile: 'handlers/square.py', entryPoint: 'handle' }));
    assert.deepEqual((await call(platform, deployment, { n: 3 })).output, { square: 9 });
    await platform.remove(deployment);
  });

  it('refuses at deploy a zip that lacks its entry file, naming the file', async () => {
    const bytes = await zip({ 'main.py': lines('def main(args):', '    return {}') });
    await assert.rejects(platform.deploy(zipped('python:3', bytes)), (error: unknown) => {
      assert.ok(error instanceof DeploymentError, String(error));
      assert.match(error.message, /zip has no entry file "__main__\.py" \(holding "main"\).*entryFile/);
      return true;
    });
    await assert.rejects(platform.deploy(zipped('nodejs:20', await zip({ 'lib.js': '' }))), /zip has no entry file "index\.js"/);
  });

  it('refuses a symbolic link, a path outside the zip, and what is not a zip, with a DeploymentError', async () => {
    const linked = await zip({ 'index.js': 'exports.main = () => ({});' }, { 'escape.js': '/etc/passwd' });
    await assert.rejects(platform.deploy(zipped('nodejs:20', linked)), (error: unknown) => {
      assert.ok(error instanceof DeploymentError, String(error));
      assert.match(error.message, /its entry escape\.js is a symbolic link/);
      return true;
    });
    // archiver cleans such names up; Python's zipfile writes them as given.
    const escaping = execFileSync('python3', ['-c', 'import io, sys, zipfile\nb = io.BytesIO()\nwith zipfile.ZipFile(b, "w") as z:\n    z.writestr("index.js", "")\n    z.writestr("../escape.js", "")\nsys.stdout.buffer.write(b.getvalue())']);
    await assert.rejects(platform.deploy(zipped('nodejs:20', escaping)), (error: unknown) => {
      assert.ok(error instanceof DeploymentError, String(error));
      assert.match(error.message, /its entry \.\.\/escape\.js points outside the function's directory/);
      return true;
    });
    await assert.rejects(platform.deploy(zipped('nodejs:20', Buffer.from('not a zip'))), (error: unknown) => {
      assert.ok(error instanceof DeploymentError, String(error));
      assert.match(error.message, /the function's \{ zip \} code cannot be read: it is not a zip archive/);
      return true;
    });
  });
});
