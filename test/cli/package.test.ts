import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// dist/test/cli/ → the repository's root, where package.json is.
const root = dirname(fileURLToPath(new URL('../../../package.json', import.meta.url)));

describe('the package', () => {
  let files: string[] = [];
  before(async () => {
    // --ignore-scripts: packing must not rebuild dist/ under the running tests.
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, timeout: 120_000 });
    const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    files = pack.files.map((file) => file.path);
  });

  it('packs a LICENSE, the README and the built entry points, and no tests', () => {
    for (const path of ['LICENSE', 'README.md', 'package.json', 'dist/cli/falco.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/spi.js', 'dist/src/observe/index.js', 'dist/executors/index.js', 'dist/platforms/index.js']) {
      assert.ok(files.includes(path), `the tarball holds ${path}`);
    }
    assert.deepEqual(files.filter((path) => path.startsWith('dist/test/')), []);
  });

  it('packs the console page where the server that serves it reads it from', () => {
    for (const path of ['dist/flows/console/page-files.js', 'flows/console/page/index.html', 'flows/console/page/console.js', 'flows/console/page/console.css']) {
      assert.ok(files.includes(path), `the tarball holds ${path}`);
    }
  });
});
