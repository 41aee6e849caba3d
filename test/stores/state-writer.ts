/**
 * Writes pipeline state on files until it is killed: `node state-writer.js DIR`. Step i sets `doc`
 * to `{ i, pad }` (pad: i % 5000 + 5000 characters, so a torn write shows) and then counts `n` to
 * i, continuing from the `n` it finds. It prints `ready` once it has written.
 */
import { FileStateManager } from '../../stores/index.js';

const state = new FileStateManager({ dir: process.argv[2]! });
for (let i = ((await state.get<number>('crash', 'n')) ?? 0) + 1; ; i++) {
  await state.set('crash', 'doc', { i, pad: 'x'.repeat((i % 5000) + 5000) });
  await state.incr('crash', 'n');
  if (i % 20 === 0) process.stdout.write('ready\n');
}
