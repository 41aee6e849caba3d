import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FileStateManager } from '../../stores/index.js';
import { runKillable } from '../helpers/killable-child.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

const WRITER = fileURLToPath(new URL('./state-writer.js', import.meta.url));

describe('file state manager under SIGKILL', () => {
  const root = suiteTempDir('falco-state-crash-');

  it('keeps whole values and its counts when its writer is killed at any moment, and takes over the dead writer’s lock', async () => {
    const dir = join(root(), 'state');
    let last = 0;
    for (let kill = 0; kill < 4; kill++) {
      const run = await runKillable([WRITER, dir], { ready: 'ready', killAfterMs: 20 + Math.floor(Math.random() * 200) });
      assert.equal(run.ended, 'killed');
      const state = new FileStateManager({ dir, lockTimeoutMs: 5_000 });
      const { doc, n } = (await state.entries('crash')) as { doc: { i: number; pad: string }; n: number };
      assert.equal(doc.pad.length, (doc.i % 5000) + 5000, 'the value is whole');
      assert.ok(doc.i - n === 0 || doc.i - n === 1, `doc ${doc.i} and count ${n}: at most the last count lost to the kill`);
      assert.ok(n >= last, 'nothing counted before was lost');
      // A lock the killed writer held is taken over, not waited on until the timeout.
      assert.equal(await state.incr('crash', 'probe'), kill + 1);
      last = n;
    }
  });
});
