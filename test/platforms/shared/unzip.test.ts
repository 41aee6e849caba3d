import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { unzipFiles } from '../../../platforms/shared/unzip.js';
import { DeploymentError } from '../../../src/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { zipOf } from '../../helpers/zip.js';

const run = promisify(execFile);

/** Writes a zip with python3's zipfile: entries are [name, content, compression] with compression a zipfile constant name. */
async function pythonZip(path: string, entries: [string, string, string][], comment = ''): Promise<Buffer> {
  const script = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as archive:
    archive.comment = sys.argv[3].encode()
    for name, content, compression in json.loads(sys.argv[2]):
        archive.writestr(zipfile.ZipInfo(name), content, compress_type=getattr(zipfile, compression))
`;
  await run('python3', ['-c', script, path, JSON.stringify(entries), comment]);
  return readFile(path);
}

async function refused(zip: Uint8Array, why: RegExp): Promise<void> {
  await assert.rejects(
    unzipFiles(zip),
    (error: unknown) => error instanceof DeploymentError && /^the function's \{ zip \} code cannot be read: /.test(error.message) && why.test(error.message),
  );
}

describe("reading a { zip } deployable's files", () => {
  const dir = suiteTempDir('falco-unzip-');

  it('reads what archiver wrote: deflated and stored entries, nested paths, directories left out', async () => {
    const binary = randomBytes(70_000);
    const zip = await zipOf({ 'index.js': 'exports.main = () => ({});', 'lib/deep/util.js': 'x'.repeat(10_000), 'data.bin': binary, 'empty/': '' }, ['data.bin']);
    const files = await unzipFiles(zip);
    assert.deepEqual([...files.keys()].sort(), ['data.bin', 'index.js', 'lib/deep/util.js']);
    assert.equal(files.get('index.js')?.toString(), 'exports.main = () => ({});');
    assert.equal(files.get('lib/deep/util.js')?.toString(), 'x'.repeat(10_000));
    assert.deepEqual(files.get('data.bin'), binary);
  });

  it("reads what python3's zipfile wrote, a comment after the central directory included", async () => {
    const zip = await pythonZip(
      join(dir(), 'python.zip'),
      [
        ['__main__.py', 'def main(args):\n    return args\n', 'ZIP_DEFLATED'],
        ['pkg/helper.py', 'VALUE = 1\n', 'ZIP_STORED'],
      ],
      'made by zipfile',
    );
    const files = await unzipFiles(zip);
    assert.deepEqual(Object.fromEntries([...files].map(([name, content]) => [name, content.toString()])), {
      '__main__.py': 'def main(args):\n    return args\n',
      'pkg/helper.py': 'VALUE = 1\n',
    });
  });

  it('refuses what is not a zip, or is cut short, with a DeploymentError', async () => {
    await refused(new Uint8Array([1, 2, 3]), /it is not a zip archive/);
    await refused(randomBytes(4096), /it is not a zip archive/);
    const zip = await zipOf({ 'index.js': 'y'.repeat(5_000) });
    await refused(zip.subarray(100), /damaged|truncated/);
  });

  it('refuses an entry that would land outside the function directory, and compression it cannot read', async () => {
    await refused(await pythonZip(join(dir(), 'slip.zip'), [['../outside.js', 'x', 'ZIP_STORED']]), /its entry \.\.\/outside\.js points outside the function's directory/);
    await refused(await pythonZip(join(dir(), 'absolute.zip'), [['/etc/x.js', 'x', 'ZIP_STORED']]), /points outside/);
    await refused(await pythonZip(join(dir(), 'bzip2.zip'), [['index.js', 'x', 'ZIP_BZIP2']]), /its entry index\.js uses compression method 12/);
  });
});
