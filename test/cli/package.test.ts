import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// dist/test/cli/ → the repository's root, where package.json is.
const root = dirname(fileURLToPath(new URL('../../../package.json', import.meta.url)));

describe('the package', () => {
  it('packs a LICENSE, the README and the built entry points, and no tests', async () => {
    // --ignore-scripts: packing must not rebuild dist/ under the running tests.
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, timeout: 120_000 });
    const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const files = pack.files.map((file) => file.path);
    for (const path of ['LICENSE', 'README.md', 'package.json', 'dist/cli/falco.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/executors/index.js', 'dist/platforms/index.js']) {
      assert.ok(files.includes(path), `the tarball holds ${path}`);
    }
    assert.deepEqual(files.filter((path) => path.startsWith('dist/test/')), []);
  });
});
