import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { futureExecutor, getResult, wait, type Chunk, type FutureExecutor, type ReduceInput } from '../../../flows/index.js';
import { SimulatedPlatform } from '../../../platforms/simulated/index.js';
import { ConfigError, deployable, PlanError, type Platform } from '../../../src/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';

describe('bad input to a future executor fails at once with a typed error that names the fix', () => {
  const tmp = suiteTempDir('falco-futures-bad-');
  const echo = deployable<{ n: number }, { n: number }>({ runtime: 'nodejs:20', name: 'echo', code: { source: 'function main(a) { return a; }' } });
  const sum = deployable<ReduceInput<{ n: number }>, { n: number }>({ runtime: 'nodejs:20', name: 'sum', code: { source: 'function main({ results }) { return { n: results.length }; }' } });
  const lines = deployable<Chunk, { n: number }>({ runtime: 'nodejs:20', name: 'lines', code: { source: 'function main() { return { n: 1 }; }' } });
  let platform: SimulatedPlatform;
  let fexec: FutureExecutor;
  let file = '';
  before(async () => {
    platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 0 } });
    fexec = futureExecutor({ platform });
    file = join(tmp(), 'data.txt');
    await writeFile(file, 'one\ntwo\nthree\n');
  });
  after(async () => {
    await fexec.close();
    await platform.close();
  });

  const refuses = (run: () => unknown, type: new (...args: never[]) => Error, pattern: RegExp) =>
    assert.throws(run, (error: unknown) => {
      assert.ok(error instanceof type, `${String(error)} is a ${type.name}`);
      assert.match(error.message, pattern);
      return true;
    });

  it('chunkSize 0, negative or fractional; chunkSize and chunkCount together; chunkSize on a list', () => {
    refuses(() => fexec.map(lines, { files: [file] }, { chunkSize: 0 }), ConfigError, /chunkSize must be a positive integer/);
    refuses(() => fexec.map(lines, { files: [file] }, { chunkSize: 1.5 }), ConfigError, /chunkSize must be a positive integer/);
    refuses(() => fexec.map(lines, { files: [file] }, { chunkCount: -1 }), ConfigError, /chunkCount must be a positive integer/);
    refuses(() => fexec.map(lines, { files: [file] }, { chunkSize: 4, chunkCount: 2 }), ConfigError, /not both/);
    refuses(() => fexec.map(echo, [{ n: 1 }], { chunkSize: 10 }), ConfigError, /chunkSize and chunkCount split files/);
  });

  it('empty inputs, an empty file, a file that is not there, a range outside the file', async () => {
    refuses(() => fexec.map(echo, []), ConfigError, /no inputs; give at least one/);
    refuses(() => fexec.mapReduce(echo, [], sum), ConfigError, /no inputs/);
    const empty = join(tmp(), 'empty.txt');
    await writeFile(empty, '');
    refuses(() => fexec.map(lines, { files: [empty] }), ConfigError, /hold no data/);
    refuses(() => fexec.map(lines, { files: [join(tmp(), 'missing.txt')] }), ConfigError, /cannot read .*missing\.txt/);
    refuses(() => fexec.map(lines, { files: [{ path: file, start: 4, end: 400 }] }), ConfigError, /not within its 14 bytes/);
    refuses(() => fexec.map(lines, { files: [] }), ConfigError, /names no file/);
  });

  it('returnWhen 1.5, 0 or a word; a negative timeout', async () => {
    const futures = fexec.map(echo, [{ n: 1 }]);
    await assert.rejects(wait(futures, { returnWhen: 1.5 }), /returnWhen must be 'always', 'any', 'all' or a fraction .* got 1\.5/);
    await assert.rejects(wait(futures, { returnWhen: 0 }), ConfigError);
    await assert.rejects(wait(futures, { returnWhen: 'most' as never }), ConfigError);
    await assert.rejects(getResult(futures, { timeoutMs: -1 }), /timeoutMs must be a number of milliseconds of 0 or more/);
    await assert.rejects(wait('futures' as never), /give it an array of futures/);
    assert.deepEqual(await getResult(futures), [{ n: 1 }]);
  });

  it('inputs JSON cannot carry, a reduceBy that is not a function or returns no string, something that is not a Deployable', () => {
    refuses(() => fexec.map(echo, [{ n: 1 }, { n: 1n as never }]), PlanError, /call M\d{3}\/00001: .*BigInt|bigint/i);
    refuses(() => fexec.mapReduce(echo, [{ n: 1 }], sum, { reduceBy: 'n' as never }), ConfigError, /reduceBy must be a function/);
    refuses(() => fexec.mapReduce(echo, [{ n: 1 }], sum, { reduceBy: ({ n }) => n as never }), ConfigError, /must return a string key, got number/);
    refuses(() => fexec.map({ name: 'nope' } as never, [{ n: 1 }]), ConfigError, /must be a Deployable, made with deployable/);
  });

  it('no platform, or an executor that is not one; a future of another executor to retryFailed', async () => {
    refuses(() => futureExecutor({} as never), ConfigError, /platform must be a Platform/);
    refuses(() => futureExecutor({ platform: platform as Platform, executor: {} as never }), ConfigError, /executor must be an Executor/);
    const other = futureExecutor({ platform });
    const [foreign] = other.map(echo, [{ n: 2 }]);
    await assert.rejects(fexec.retryFailed([foreign!]), /was not made by this executor/);
    await other.close();
  });

});
