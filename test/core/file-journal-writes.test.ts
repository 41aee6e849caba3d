import assert from 'node:assert/strict';
import fs, { readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FileJournal, type JournalRecord } from '../../src/index.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

const record = (n: number): JournalRecord => ({ id: `i${n}`, phase: 'p', input: n, status: 'succeeded', output: n, attempts: [], deployableDigest: 'd' });

/** Counts the `writeSync` calls `run` makes on the journal's file (the ESM binding follows the patched module). */
async function writesDuring(run: () => Promise<void>): Promise<number> {
  const original = fs.writeSync;
  let writes = 0;
  fs.writeSync = ((...args: Parameters<typeof original>) => {
    writes++;
    return original(...args);
  }) as typeof original;
  syncBuiltinESMExports();
  try {
    await run();
  } finally {
    fs.writeSync = original;
    syncBuiltinESMExports();
  }
  return writes;
}

describe('FileJournal writes', () => {
  const dir = suiteTempDir('falco-journal-writes-');

  it('writes the records that end in one turn of the event loop with one write, however many microtasks they end in', async () => {
    const path = join(dir(), 'turn.jsonl');
    const journal = new FileJournal(path);
    const writes = await writesDuring(async () => {
      // Each record ends in its own microtask, as calls answered by one timer do.
      for (let n = 0; n < 500; n++) {
        journal.append(record(n));
        await Promise.resolve();
      }
      await nextTurn();
    });
    assert.equal(writes, 1);
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 500, 'every record is on disk after the turn, without a flush');
    await journal.close();
  });

  it('writes at once when a turn gathers a megabyte of lines, and flush writes what is pending', async () => {
    const path = join(dir(), 'big.jsonl');
    const journal = new FileJournal(path);
    const big = (n: number): JournalRecord => ({ ...record(n), output: 'x'.repeat(100_000) });
    const writes = await writesDuring(async () => {
      for (let n = 0; n < 25; n++) journal.append(big(n));
      journal.append(record(25));
      await journal.flush();
    });
    assert.ok(writes >= 3 && writes <= 4, `${writes} writes for 2.5 MB`);
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 26);
    await journal.close();
  });

  it('keeps every line whole: characters of several bytes, and a line longer than the write buffer among short ones', async () => {
    const path = join(dir(), 'whole.jsonl');
    const journal = new FileJournal(path);
    const wide = { ...record(1), output: 'é€😀\u2028'.repeat(50_000) };
    const long = { ...record(2), output: 'y'.repeat(3_000_000) };
    for (const r of [record(0), wide, long, record(3)]) journal.append(r);
    await journal.close();
    const loaded = await new FileJournal(path).load();
    assert.deepEqual([...loaded.values()].map((r) => r.output), [0, wide.output, long.output, 3]);
  });
});
