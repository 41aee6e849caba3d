import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StoreLockedError } from '../../stores/index.js';
import { withFileLock } from '../../stores/file/lock.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

describe('file lock for short steps shared by processes', () => {
  const dir = suiteTempDir('falco-file-lock-');

  it('takes over a lock left by a process that died, and leaves nothing behind', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const path = join(dir(), 'dead.lock');
    writeFileSync(path, String(dead));
    assert.equal(await withFileLock(path, () => 'ran'), 'ran');
    assert.deepEqual(readdirSync(dir()).filter((name) => name.startsWith('dead')), []);
  });

  it('waits for a live holder, then gives up with a StoreLockedError naming it', async () => {
    const path = join(dir(), 'live.lock');
    writeFileSync(path, String(process.pid));
    await assert.rejects(withFileLock(path, () => assert.fail('ran while locked'), 100), (error: Error) => error instanceof StoreLockedError && error.message.includes(`by process ${process.pid}`) && error.message.includes(path));
    assert.ok(existsSync(path), 'a live holder keeps its lock');
  });

  it('releases the lock when the step throws', async () => {
    const path = join(dir(), 'throws.lock');
    await assert.rejects(withFileLock(path, () => { throw new Error('step failed'); }), /step failed/);
    assert.equal(await withFileLock(path, () => 'again', 100), 'again');
  });
});
