import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { futureExecutor, type Chunk, type FutureExecutor, type ReduceInput } from '../../../flows/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { deployable } from '../../../src/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';

// Lithops' examples (examples/*.py), ported: the same functions and the same results, on the local platform.
// OpenWhisk-style functions take and return JSON objects, so Lithops' `x` travels as `{ x }`.
describe("Lithops' examples on a futureExecutor", () => {
  const tmp = suiteTempDir('falco-futures-lithops-');
  let platform: LocalPlatform;
  let fexec: FutureExecutor;
  before(() => {
    platform = new LocalPlatform();
    fexec = futureExecutor({ platform });
  });
  after(async () => {
    await fexec.close();
    await platform.close();
  });

  it('call_async.py: my_function(3) is 10, in Python', async () => {
    const myFunction = deployable<{ x: number }, { value: number }>({ runtime: 'python:3', name: 'my-function', code: { source: 'def main(args):\n    return {"value": args["x"] + 7}\n' } });
    assert.deepEqual(await fexec.getResult([fexec.callAsync(myFunction, { x: 3 })]), [{ value: 10 }]);
  });

  it('multiple_args_call_async.py: positional and keyword arguments as one input object', async () => {
    const myFunction = deployable<{ x: number; y: number }, { value: number }>({ runtime: 'nodejs:20', name: 'my-function', code: { source: 'function main({ x, y }) { return { value: x + y }; }' } });
    const sumListMult = deployable<{ list_of_numbers: number[]; x?: number }, { value: number }>({
      runtime: 'nodejs:20',
      name: 'sum-list-mult',
      code: { source: 'function main({ list_of_numbers, x = 1 }) { return { value: list_of_numbers.reduce((a, b) => a + b, 0) * x }; }' },
    });
    const futures = [
      fexec.callAsync(myFunction, { x: 3, y: 6 }),
      fexec.callAsync(myFunction, { x: 2, y: 8 }),
      fexec.callAsync(sumListMult, { list_of_numbers: [1, 2, 3, 4, 5] }),
      fexec.callAsync(sumListMult, { list_of_numbers: [1, 2, 3, 4, 5], x: 5 }),
      fexec.callAsync(sumListMult, { list_of_numbers: [1, 2, 3, 4, 5], x: 3 }),
    ];
    assert.deepEqual((await fexec.getResult(futures)).map((r) => r.value), [9, 10, 15, 75, 45]);
  });

  it('map.py: two maps over range(2) and range(6), each call told its id', async () => {
    const myMapFunction = deployable<{ id: number; x: number }, { value: number }>({ runtime: 'nodejs:20', name: 'my-map-function', code: { source: 'function main({ id, x }) { return { value: x + 7 }; }' } });
    const range = (n: number) => Array.from({ length: n }, (_, x) => ({ id: x, x }));
    const futures = [...fexec.map(myMapFunction, range(2)), ...fexec.map(myMapFunction, range(6))];
    assert.deepEqual((await fexec.getResult(futures)).map((r) => r.value), [7, 8, 7, 8, 9, 10, 11, 12]);
    assert.match(futures[0]!.key, /^M\d{3}\/00000$/);
  });

  it('map_reduce.py: map x + 7 over 1..5, reduce the sum: 50, and only the reducer\'s result comes back', async () => {
    const myMap = deployable<{ x: number }, { value: number }>({ runtime: 'nodejs:20', name: 'my-map', code: { source: 'function main({ x }) { return { value: x + 7 }; }' } });
    const myReduce = deployable<ReduceInput<{ value: number }>, { total: number }>({
      runtime: 'nodejs:20',
      name: 'my-reduce',
      code: { source: 'function main({ results }) { return { total: results.reduce((a, r) => a + r.value, 0) }; }' },
    });
    const job = fexec.mapReduce(myMap, [1, 2, 3, 4, 5].map((x) => ({ x })), myReduce);
    assert.deepEqual(await fexec.getResult(job.reducers), [{ total: 50 }]);
    assert.deepEqual((await fexec.getResult(job.maps)).map((r) => r.value), [8, 9, 10, 11, 12]);
  });

  it('function_chaining.py: map(f1).map(f2).map(f3) over 1, 2, 3 is 15, 16, 17', async () => {
    const f1 = deployable<{ x: number }, { x: number; y: number }>({ runtime: 'nodejs:20', name: 'f1', code: { source: 'function main({ x }) { return { x: x + 2, y: 5 }; }' } });
    const f2 = deployable<{ x: number; y: number }, { x: number; y: number; z: number }>({ runtime: 'nodejs:20', name: 'f2', code: { source: 'function main({ x, y }) { return { x: x + y, y: 5, z: 2 }; }' } });
    const f3 = deployable<{ x: number; y: number; z: number }, { value: number }>({ runtime: 'nodejs:20', name: 'f3', code: { source: 'function main({ x, y, z }) { return { value: x + y + z }; }' } });
    const res = await fexec.getResult(fexec.map(f3, fexec.map(f2, fexec.map(f1, [1, 2, 3].map((x) => ({ x }))))));
    assert.deepEqual(res.map((r) => r.value), [15, 16, 17]);
  });

  it('failed_futures.py: calls 2 and 4 raise MemoryError; throwOnError false keeps the rest, and a second map of the failed inputs fills them in', async () => {
    const myMapFunction = deployable<{ id: number; x: string; fail?: boolean }, { value: string }>({
      runtime: 'python:3',
      name: 'failing-map',
      code: { source: 'def main(args):\n    if args.get("fail", True) and args["id"] in [2, 4]:\n        raise MemoryError()\n    return {"value": args["x"]}\n' },
    });
    const iterdata = ['a', 'b', 'c', 'd', 'e'];
    const futures = fexec.map(myMapFunction, iterdata.map((x, id) => ({ id, x })));
    const settled = await fexec.getResult(futures, { throwOnError: false });
    const failed = settled.flatMap((s, id) => (s.status === 'failed' ? [id] : []));
    assert.deepEqual(failed, [2, 4]);
    const first = settled[2]!;
    assert.ok(first.status === 'failed' && first.error.class === 'function' && first.error.type === 'MemoryError', JSON.stringify(first));
    const again = await fexec.getResult(fexec.map(myMapFunction, failed.map((id) => ({ id, x: iterdata[id]!, fail: false }))));
    const values = settled.map((s) => (s.status === 'succeeded' ? s.output.value : undefined));
    failed.forEach((id, i) => (values[id] = again[i]!.value));
    assert.deepEqual(values, iterdata);
  });

  it('map_reduce_localhost.py: word counts of several files, each split in two chunks of whole lines, one reducer per file', async () => {
    const texts = {
      'vocab-a.txt': 'the cat sat\non the mat\nthe end\n',
      'vocab-b.txt': 'a b c\nb c\nc\nlast line\nwithout newline',
    };
    const paths = await Promise.all(Object.entries(texts).map(async ([name, text]) => {
      const path = join(tmp(), name);
      await writeFile(path, text);
      return path;
    }));
    const countWords = deployable<Chunk, { counts: Record<string, number> }>({
      runtime: 'nodejs:20',
      name: 'count-words',
      code: {
        source: `const fs = require('node:fs');
function main({ path, start, end }) {
  const buffer = Buffer.alloc(end - start);
  const fd = fs.openSync(path, 'r');
  fs.readSync(fd, buffer, 0, buffer.length, start);
  fs.closeSync(fd);
  const counts = {};
  for (const word of buffer.toString('utf8').split(/\\s+/).filter(Boolean)) counts[word] = (counts[word] ?? 0) + 1;
  return { counts };
}`,
      },
    });
    const merge = deployable<ReduceInput<{ counts: Record<string, number> }>, { file: string; counts: Record<string, number> }>({
      runtime: 'nodejs:20',
      name: 'merge-counts',
      code: {
        source: `function main({ key, results }) {
  const counts = {};
  for (const r of results) for (const [w, n] of Object.entries(r.counts)) counts[w] = (counts[w] ?? 0) + n;
  return { file: key, counts };
}`,
      },
    });
    const job = fexec.mapReduce(countWords, { files: paths }, merge, { chunkCount: 2, reduceBy: (chunk) => chunk.path });
    assert.equal(job.maps.length, 4, 'two chunks per file');
    const results = await fexec.getResult(job.reducers);
    const expected = Object.values(texts).map((text) => {
      const counts: Record<string, number> = {};
      for (const word of text.split(/\s+/).filter(Boolean)) counts[word] = (counts[word] ?? 0) + 1;
      return counts;
    });
    assert.deepEqual(results.map((r) => r.file), paths);
    assert.deepEqual(results.map((r) => r.counts), expected);
    assert.deepEqual([...job.byKey.keys()], paths);
  });
});
