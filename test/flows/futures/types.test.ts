import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { futureExecutor, type Chunk, type Future, type FutureExecutor, type ReduceInput, type Settled } from '../../../flows/index.js';
import { SimulatedPlatform } from '../../../platforms/simulated/index.js';
import { deployable } from '../../../src/index.js';

// The build compiles this file: each `@ts-expect-error` below must be an error, or `tsc` fails.
const square = deployable<{ n: number }, { square: number }>({ runtime: 'nodejs:20', name: 'square', code: { source: 'function main({ n }) { return { square: n * n }; }' } });
const sum = deployable<ReduceInput<{ square: number }>, { sum: number }>({ runtime: 'nodejs:20', name: 'sum', code: { source: 'function main({ results }) { return { sum: results.length }; }' } });
const root = deployable<{ square: number }, { n: number }>({ runtime: 'nodejs:20', name: 'root', code: { source: 'function main({ square }) { return { n: Math.sqrt(square) }; }' } });
const words = deployable<Chunk, { words: number }>({ runtime: 'nodejs:20', name: 'words', code: { source: 'function main() { return { words: 0 }; }' } });

function typeChecks(fexec: FutureExecutor): void {
  const one: Future<{ square: number }> = fexec.callAsync(square, { n: 2 });
  const many: Future<{ square: number }>[] = fexec.map(square, [{ n: 1 }, { n: 2 }]);
  const chained: Future<{ n: number }>[] = fexec.map(root, many); // a map over futures takes their outputs
  void one;
  void chained;
  fexec.map(words, { files: ['a.txt'] }, { chunkSize: 1024 });
  const job = fexec.mapReduce(square, [{ n: 1 }], sum, { reduceBy: ({ n }) => String(n % 2) });
  const reduced: Promise<{ sum: number }[]> = fexec.getResult(job.reducers);
  const settled: Promise<Settled<{ square: number }>[]> = fexec.getResult(many, { throwOnError: false });
  void reduced;
  void settled;

  // @ts-expect-error a wrong input type is a compile error
  fexec.callAsync(square, { n: 'two' });
  // @ts-expect-error an input the function does not take
  fexec.map(square, [{ m: 1 }]);
  // @ts-expect-error a future of another output type is not an input
  fexec.map(square, [fexec.callAsync(sum, { results: [] })]);
  // @ts-expect-error a future's result has the function's output type
  const wrong: Future<{ sum: number }> = fexec.callAsync(square, { n: 1 });
  // @ts-expect-error files are for functions that take a Chunk
  fexec.map(square, { files: ['a.txt'] });
  // @ts-expect-error the reducer takes the maps' outputs
  fexec.mapReduce(square, [{ n: 1 }], square);
  // @ts-expect-error reduceBy reads the map's input type
  fexec.mapReduce(square, [{ n: 1 }], sum, { reduceBy: ({ m }: { m: string }) => m });
  // @ts-expect-error map outputs never pass for reducer results
  const mixed: Promise<{ sum: number }[]> = fexec.getResult(job.maps);
  void wrong;
  void mixed;
}

describe('futures are typed by their function', () => {
  it('well-typed calls run, and a result has the output the deployable declares', async () => {
    const platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 0 }, handler: (input) => ({ square: (input as { n: number }).n ** 2 }) });
    const fexec = futureExecutor({ platform });
    assert.equal(typeof typeChecks, 'function');
    const [result] = await fexec.getResult([fexec.callAsync(square, { n: 3 })]);
    const value: number = result!.square;
    assert.equal(value, 9);
    await fexec.close();
    await platform.close();
  });
});
