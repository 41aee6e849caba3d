import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DeploymentError } from '../../../src/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { call, py, WHO_PY, type Who } from './helpers.js';

describe('local platform: the Python interpreter', () => {
  const dir = suiteTempDir('falco-python-shim-');

  it('asks a version-manager shim for the interpreter once, and starts instances without it', async () => {
    const log = join(dir(), 'runs');
    const shim = join(dir(), 'python3');
    await writeFile(shim, `#!/bin/sh\necho run >> '${log}'\nexec python3 "$@"\n`);
    await chmod(shim, 0o755);
    const platform = new LocalPlatform({ python: shim });
    try {
      const [first, second] = await Promise.all([platform.deploy(py(WHO_PY, { maxInstances: 3 })), platform.deploy(py(WHO_PY))]);
      const answers = await Promise.all([
        ...[1, 2, 3].map(() => call<Who>(platform, first, { sleep: 300 })),
        call<Who>(platform, second),
      ]);
      assert.equal(new Set(answers.map((answer) => answer.output.id)).size, 4, 'four instances ran');
      assert.equal((await readFile(log, 'utf8')).split('\n').filter(Boolean).length, 1, 'the shim ran once, to name the interpreter');
    } finally {
      await platform.close();
    }
  });

  it('a python that cannot run fails the deploy, saying how to fix it', async () => {
    const platform = new LocalPlatform({ python: join(dir(), 'no-such-python') });
    try {
      await assert.rejects(platform.deploy(py(WHO_PY)), (error: unknown) => {
        assert.ok(error instanceof DeploymentError, String(error));
        assert.match(error.message, /cannot run ".*no-such-python" \(it is not installed or not on PATH\): install Python 3 or set the LocalPlatform option "python"/);
        return true;
      });
    } finally {
      await platform.close();
    }
  });
});
