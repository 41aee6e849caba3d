import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { falco } from '../helpers/falco-cli.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

const KINDS_MODULE = fileURLToPath(new URL('./kinds.js', import.meta.url));

describe('falco worker: bad usage is refused with what to fix (exit 2)', () => {
  const dir = suiteTempDir('falco-cli-worker-');

  it('a kind the tasks module does not export, a falco: kind without its deployable, and no module at all', async () => {
    const missing = await falco(['worker', '--kinds', 'work,nope,falco:square', '--tasks', KINDS_MODULE, '--store', 'memory:'], dir());
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /kind "nope" is not in the module's `kinds`; kind "falco:square" needs `deployables.square`/);
    const noModule = await falco(['worker', '--kinds', 'work', '--store', 'memory:'], dir());
    assert.equal(noModule.code, 2);
    assert.match(noModule.stderr, /pass --tasks MODULE/);
    const empty = await falco(['worker', '--kinds', ' , ', '--store', 'memory:'], dir());
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /--kinds names no kind/);
  });
});
