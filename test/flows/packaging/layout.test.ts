import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, realpath, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { layOut } from '../../../flows/packaging/layout.js';
import { traceImports } from '../../../flows/packaging/trace.js';
import { DeploymentError } from '../../../src/errors.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { writeTree } from './tree.js';

const run = promisify(execFile);

/** A project that needs two versions of one package: npm puts the second under the package that wants it. */
const TWO_VERSIONS = {
  'project/package.json': { name: 'project', type: 'module' },
  'project/main.js': "import a from 'a';\nimport b from 'b';\nconsole.log(JSON.stringify({ a, b }));\n",
  'project/node_modules/a/package.json': { name: 'a', version: '1.0.0', main: 'index.js' },
  'project/node_modules/a/index.js': "module.exports = 'a@1';\n",
  'project/node_modules/b/package.json': { name: 'b', main: 'index.js' },
  'project/node_modules/b/index.js': "module.exports = 'b with ' + require('a');\n",
  'project/node_modules/b/node_modules/a/package.json': { name: 'a', version: '2.0.0', main: 'index.js' },
  'project/node_modules/b/node_modules/a/index.js': "module.exports = 'a@2';\n",
};

describe('layOut', () => {
  const dir = suiteTempDir('falco-layout-');

  it('puts packages under node_modules by name, a second version nested where npm had it, and the package runs there as it did in place', async () => {
    const root = join(dir(), 'versions');
    await writeTree(root, TWO_VERSIONS);
    const project = await realpath(join(root, 'project'));
    const files = layOut(await traceImports([join(project, 'main.js')]), [{ dir: project, at: 'app' }]);
    assert.deepEqual([...files.keys()].sort(), [
      'app/main.js', 'app/package.json',
      'node_modules/a/index.js', 'node_modules/a/package.json',
      'node_modules/b/index.js', 'node_modules/b/node_modules/a/index.js', 'node_modules/b/node_modules/a/package.json', 'node_modules/b/package.json',
    ]);
    const packed = join(dir(), 'packed');
    for (const [path, file] of files) {
      await mkdir(dirname(join(packed, path)), { recursive: true });
      await copyFile(file, join(packed, path));
    }
    const { stdout } = await run(process.execPath, [join(packed, 'app/main.js')], { cwd: packed });
    assert.deepEqual(JSON.parse(stdout), { a: 'a@1', b: 'b with a@2' });
  });

  it('refuses two directories that would land in one place, and a file outside every root, naming them', async () => {
    const root = join(dir(), 'clash');
    await writeTree(root, {
      'project/main.js': "import 'falco';\nimport '../outside.js';\n",
      'project/node_modules/falco/package.json': { name: 'falco', main: 'index.js' },
      'project/node_modules/falco/index.js': '',
      'outside.js': '',
      'other-falco/package.json': { name: 'falco' },
    });
    const real = await realpath(root);
    const trace = await traceImports([join(real, 'project/main.js')]);
    assert.throws(() => layOut(trace, [{ dir: join(real, 'other-falco'), at: 'node_modules/falco' }, { dir: join(real, 'project'), at: 'app' }]), (error: unknown) => {
      assert.ok(error instanceof DeploymentError);
      assert.equal(error.message, `both ${join(real, 'other-falco')} and ${join(real, 'project/node_modules/falco')} would be node_modules/falco in the function's package: install one copy (npm dedupe), so every import finds the same one`);
      return true;
    });
    assert.throws(() => layOut(trace, [{ dir: join(real, 'project'), at: 'app' }]), new RegExp(`^DeploymentError: ${join(real, 'outside.js')} is needed at run time but lies outside ${join(real, 'project')} and every package: move it into the project$`));
  });

  it("refuses two versions of a package in pnpm's store, which has no nesting to keep", async () => {
    const root = join(dir(), 'pnpm');
    await writeTree(root, {
      'project/main.js': "require('a');\nrequire('b');\n",
      'project/node_modules/.pnpm/a@1.0.0/node_modules/a/index.js': '',
      'project/node_modules/.pnpm/a@2.0.0/node_modules/a/index.js': '',
      'project/node_modules/.pnpm/b@1.0.0/node_modules/b/index.js': "require('a');\n",
    });
    const store = join(root, 'project/node_modules/.pnpm');
    await symlink(join(store, 'a@1.0.0/node_modules/a'), join(root, 'project/node_modules/a'));
    await symlink(join(store, 'b@1.0.0/node_modules/b'), join(root, 'project/node_modules/b'));
    await symlink(join(store, 'a@2.0.0/node_modules/a'), join(store, 'b@1.0.0/node_modules/a'));
    const project = await realpath(join(root, 'project'));
    const trace = await traceImports([join(project, 'main.js')]);
    assert.deepEqual(trace.packages.map(({ name }) => name), ['a', 'b', 'a']);
    assert.throws(() => layOut(trace, [{ dir: project, at: 'app' }]), /^DeploymentError: two copies of a package, .*\/\.pnpm\/a@1\.0\.0\/node_modules\/a and .*\/\.pnpm\/a@2\.0\.0\/node_modules\/a, lie in a store that is not a node_modules tree \(pnpm's\): install with node-linker=hoisted, so each has its place$/);
  });
});
