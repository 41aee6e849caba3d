import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { partition, type Chunk } from '../../../flows/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';

const textOf = (chunk: Chunk): string => readFileSync(chunk.path).subarray(chunk.start, chunk.end).toString('utf8');

describe('partition', () => {
  const tmp = suiteTempDir('falco-partition-');
  let small = '';
  let long = '';
  // Lines of every length from 1 to 40 bytes, so chunk boundaries fall everywhere inside a line.
  const lines = Array.from({ length: 200 }, (_, i) => 'x'.repeat(i % 40) + `${i}`);
  const text = lines.join('\n') + '\n';
  before(async () => {
    small = join(tmp(), 'lines.txt');
    await writeFile(small, text);
    long = join(tmp(), 'long.txt');
    // A line longer than the scan buffer (64 KiB) and than a chunk: it stays one piece.
    await writeFile(long, `first\n${'y'.repeat(200_000)}\nlast\n`);
  });

  it('splits a file into chunks of whole lines that cover it exactly, each about chunkSize', () => {
    for (const chunkSize of [1, 7, 64, 1000, 100_000]) {
      const chunks = partition(small, { chunkSize });
      assert.equal(chunks.map(textOf).join(''), text, `chunkSize ${chunkSize}`);
      for (const chunk of chunks) {
        assert.ok(textOf(chunk).endsWith('\n'), `chunk ${chunk.part} ends a line`);
        assert.ok(chunk.end - chunk.start < chunkSize + 44, 'longer than asked by at most its last line (44 bytes at most here)');
      }
      assert.deepEqual(chunks.map((c) => c.part), chunks.map((_, i) => i));
      for (const [i, chunk] of chunks.entries()) if (i > 0) assert.equal(chunk.start, chunks[i - 1]!.end);
    }
    assert.equal(partition(small).length, 1, 'no size: the whole file');
  });

  it('chunkCount splits each file in that many chunks of about equal size', () => {
    const chunks = partition([small, small], { chunkCount: 4 });
    assert.equal(chunks.length, 8);
    assert.equal(chunks.slice(0, 4).map(textOf).join(''), text);
    const sizes = chunks.slice(0, 4).map((c) => c.end - c.start);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 80, sizes.join(', '));
  });

  it('a line longer than a chunk and than one read stays whole, in the chunk it starts in', () => {
    const chunks = partition(long, { chunkSize: 10 });
    assert.deepEqual(chunks.map(textOf), [`first\n${'y'.repeat(200_000)}\n`, 'last\n']);
    assert.deepEqual(partition(long, { chunkSize: 3 }).map(textOf), ['first\n', `${'y'.repeat(200_000)}\n`, 'last\n']);
  });

  it('byte ranges: a line belongs to the range it starts in, so ranges that meet mid-line share no line and lose none', () => {
    const cut = text.indexOf('\n', 300) - 3; // inside a line
    const chunks = partition([{ path: small, start: 0, end: cut }, { path: small, start: cut }], { chunkSize: 50 });
    assert.equal(chunks.map(textOf).join(''), text);
    const firstRange = chunks.filter((c) => c.end <= cut + 4);
    assert.ok(firstRange.at(-1)!.end > cut, 'the line cut by the boundary went to the first range');
  });

  it('a file without a newline at the end keeps its last line', async () => {
    const file = join(tmp(), 'no-newline.txt');
    await writeFile(file, 'a\nbb\nccc');
    assert.deepEqual(partition(file, { chunkSize: 2 }).map(textOf), ['a\n', 'bb\n', 'ccc']);
  });
});
