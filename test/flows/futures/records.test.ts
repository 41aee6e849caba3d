import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConcurrentExecutor } from '../../../executors/index.js';
import { futureExecutor, getResult, type ReduceInput } from '../../../flows/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { deployable, type FalcoEvents } from '../../../src/index.js';
import { observe, readRecords } from '../../../src/observe/index.js';
import { PlanDriver } from '../../helpers/drivers.js';
import { falco } from '../../helpers/falco-cli.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';

const square = deployable<{ n: number }, { square: number }>({ runtime: 'nodejs:20', name: 'square', code: { source: 'function main({ n }) { return { square: n * n }; }' } });
const sum = deployable<ReduceInput<{ square: number }>, { sum: number }>({
  runtime: 'nodejs:20',
  name: 'sum',
  code: { source: 'function main({ results }) { return { sum: results.reduce((a, r) => a + r.square, 0) }; }' },
});
const EVENTS: (keyof FalcoEvents)[] = ['run:start', 'deploy', 'phase:start', 'invocation:start', 'invocation:attempt', 'invocation:end', 'phase:end', 'remove', 'run:end'];

function eventsOf(bus: { on<K extends keyof FalcoEvents>(event: K, listener: (payload: FalcoEvents[K]) => void): () => void }): Set<string> {
  const seen = new Set<string>();
  for (const name of EVENTS) bus.on(name, () => seen.add(name));
  return seen;
}

describe('the records, events, summary and report of futures', () => {
  const tmp = suiteTempDir('falco-futures-records-');

  it('writes the invocation records a Driver writes, which falco report reads, and the same events', async () => {
    const platform = new LocalPlatform();
    const records = join(tmp(), 'futures.jsonl');
    const csv = join(tmp(), 'futures.csv');
    const report = join(tmp(), 'futures.html');
    const fexec = futureExecutor({ platform, records: [records, csv], report, runId: 'futures-1', executor: new ConcurrentExecutor({ concurrency: 4 }) });
    const seen = eventsOf(fexec.events);
    const watched = observe(fexec, { progress: false, tracing: false });
    const job = fexec.mapReduce(square, Array.from({ length: 20 }, (_, n) => ({ n })), sum);
    assert.deepEqual(await getResult(job.reducers), [{ sum: 2470 }]);
    const summary = await fexec.close();
    await watched.close();
    await platform.close();

    assert.deepEqual(summary.runIds, ['futures-1']);
    assert.deepEqual(summary.phases.map((p) => [p.phase, p.platform, p.invocations, p.succeeded]), [['M000', 'local', 20, 20], ['R000', 'local', 1, 1]]);
    assert.equal(summary.outcome?.status, 'completed');
    assert.deepEqual(watched.stats.summary().total.invocations, 21, 'observe() on the executor sees every invocation');

    const rows = [];
    for await (const row of readRecords(records)) rows.push(row);
    assert.equal(rows.length, 21);
    assert.ok(rows.every(({ info }) => info.runId === 'futures-1' && info.platform === 'local' && info.deployment?.startsWith('falco-')), JSON.stringify(rows[0]));
    assert.deepEqual(rows.find(({ invocation }) => invocation.phase === 'R000')?.invocation.output, { sum: 2470 });
    assert.equal((await readFile(csv, 'utf8')).trim().split('\n').length, 22, 'a header and a row per invocation');
    assert.ok((await stat(report)).size > 1000);

    const reported = await falco(['report', records, '-o', join(tmp(), 'again.html')], tmp());
    assert.equal(reported.code, 0, reported.stderr);
    assert.match(reported.stdout + reported.stderr, /M000/);

    const driverPlatform = new LocalPlatform();
    const driver = new PlanDriver([{ id: 'main', deployable: square, invocations: [{ input: { n: 1 } }] }]);
    const driverSeen = eventsOf(driver.events);
    await driver.run({ platform: driverPlatform, executor: new ConcurrentExecutor() });
    await driverPlatform.close();
    assert.deepEqual([...seen].sort(), [...driverSeen].sort(), 'the same kinds of event as a Driver');
  });
});
