import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConcurrentExecutor, SequentialExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import {
  FileJournal,
  outputsOf,
  PhaseNotStartedError,
  PlanError,
  readOutputs,
  type Invocation,
  type InvocationRequest,
  type PhaseContext,
  type PhaseResult,
} from '../../src/index.js';
import { PlanDriver } from '../helpers/drivers.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function* numbers(count: number, onPull?: (n: number) => void): AsyncGenerator<InvocationRequest<{ n: number }>> {
  for (let n = 0; n < count; n++) {
    onPull?.(n);
    yield { input: { n } };
  }
}

const fast = (): SimulatedPlatform => new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 0 } });
const sum = async (outputs: AsyncIterable<unknown>): Promise<number> => {
  let total = 0;
  for await (const output of outputs) total += (output as { n: number }).n;
  return total;
};

describe('streaming records', () => {
  const dir = suiteTempDir('falco-streaming-');

  it('a phase fed by an async iterable streams its records to the journal; the next phase reads every output back from it', async () => {
    const count = 20_000;
    const path = join(dir(), 'outputs.jsonl');
    const driver = new PlanDriver([
      { id: 'map', invocations: numbers(count) },
      {
        id: 'reduce',
        invocations: async ({ previous }: PhaseContext) => [{ input: { n: await sum(readOutputs(previous!)) } }],
      },
    ]);
    const run = await driver.run({ platform: fast(), executor: new ConcurrentExecutor({ concurrency: 100 }), journal: new FileJournal(path) });
    const [map, reduce] = run.phases as [PhaseResult, PhaseResult];
    assert.equal(map.records, 'streamed');
    assert.deepEqual(map.invocations, []);
    assert.deepEqual(map.counts, { succeeded: count, failed: 0, aborted: 0 });
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, count + 1);
    assert.equal(reduce.records, 'kept', 'a one-invocation phase from an array keeps its record');
    assert.deepEqual(outputsOf(reduce), [{ n: (count * (count - 1)) / 2 }]);
    assert.throws(() => outputsOf(map), (e) => e instanceof PlanError && /readOutputs/.test(e.message));
  });

  it('takes requests from the source only as slots free up, not all at once', async () => {
    const pulledAhead = async (platform: SimulatedPlatform, concurrency: number): Promise<number> => {
      let pulled = 0;
      let ended = 0;
      let mostAhead = 0;
      const driver = new PlanDriver([{ id: 'lazy', invocations: numbers(5_000, () => (mostAhead = Math.max(mostAhead, ++pulled - ended))) }]);
      driver.events.on('invocation:end', () => ended++);
      const executor = new ConcurrentExecutor({ concurrency, retry: { maxAttempts: 10, minDelayMs: 5, maxDelayMs: 20 } });
      const run = await driver.run({ platform, executor, records: 'stream' });
      assert.equal(run.phases[0]!.counts.succeeded, 5_000);
      return mostAhead;
    };
    // The concurrent executor opens as many invocations as may be in flight (at least 16), no more.
    assert.ok((await pulledAhead(fast(), 10)) <= 16);
    const clean = await pulledAhead(fast(), 100);
    assert.ok(clean <= 100, `${clean} requests pulled ahead of the records that ended, at concurrency 100`);
    // Those backing off before a retry hold no slot: up to as many again are opened, so the slots stay busy.
    const failing = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 1 }, transientErrorRate: 0.3 });
    const retrying = await pulledAhead(failing, 100);
    assert.ok(retrying > 100 && retrying <= 200, `${retrying} requests pulled ahead with retries backing off, at concurrency 100`);
    assert.equal(failing.stats.peakInFlight, 100);
  });

  it('lets each record go once it has ended, where `keep` holds every one', async () => {
    const held = async (records: 'keep' | 'stream'): Promise<number> => {
      const refs: WeakRef<Invocation>[] = [];
      const driver = new PlanDriver([{ id: 'p', invocations: numbers(2_000) }]);
      driver.events.on('invocation:end', ({ invocation }) => void refs.push(new WeakRef(invocation)));
      const run = await driver.run({ platform: fast(), executor: new ConcurrentExecutor({ concurrency: 50 }), records });
      assert.equal(run.phases[0]!.counts.succeeded, 2_000);
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      const alive = refs.filter((ref) => ref.deref() !== undefined).length;
      assert.ok(run.phases[0]); // the result stays reachable while the refs are counted
      return alive;
    };
    assert.equal(await held('keep'), 2_000);
    assert.ok((await held('stream')) < 100, 'streamed records are collected');
  });

  it('keeps records by default without a journal, and streams by default with one when the source is an iterable', async () => {
    const plain = await new PlanDriver([{ id: 'p', invocations: numbers(10) }]).run({ platform: fast(), executor: new SequentialExecutor() });
    assert.equal(plain.phases[0]!.records, 'kept');
    assert.equal(plain.phases[0]!.invocations.length, 10);
    const journaled = await new PlanDriver([{ id: 'p', invocations: numbers(10) }]).run({
      platform: fast(),
      executor: new SequentialExecutor(),
      journal: new FileJournal(join(dir(), 'default.jsonl')),
    });
    assert.equal(journaled.phases[0]!.records, 'streamed');
    assert.deepEqual(journaled.phases[0]!.invocations, []);
  });

  it('without a journal a streamed phase cannot give its outputs back, and says how to get them', async () => {
    const run = await new PlanDriver([{ id: 'p', invocations: numbers(3) }]).run({ platform: fast(), executor: new SequentialExecutor(), records: 'stream' });
    await assert.rejects(sum(readOutputs(run.phases[0]!)), (e) => e instanceof PlanError && /give the run a journal/.test(e.message));
  });

  it('a fatal error part-way ends every request not yet run aborted, those never taken from the source too', async () => {
    const ends: Invocation[] = [];
    const driver = new PlanDriver([{ id: 'p', invocations: numbers(1_000) }]);
    driver.events.on('invocation:end', ({ invocation }) => void ends.push(invocation));
    const platform = new SimulatedPlatform({
      latency: { distribution: 'fixed', ms: 0 },
      handler: (input) => {
        if ((input as { n: number }).n === 100) throw new Error('boom');
        return input;
      },
    });
    await assert.rejects(driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 4 }), records: 'stream' }), /stopped/);
    const result = driver.results[0]!;
    assert.equal(result.counts.succeeded + result.counts.failed + result.counts.aborted, 1_000);
    assert.equal(ends.length, 1_000);
    assert.ok(result.counts.aborted > 800, `${result.counts.aborted} aborted`);
    assert.ok(ends.every((invocation) => invocation.status !== 'pending'));
  });

  it('a source that fails part-way stops the phase with a PlanError naming it', async () => {
    async function* broken(): AsyncGenerator<InvocationRequest> {
      yield { input: 1 };
      yield { input: 2 };
      throw new Error('the database went away');
    }
    const driver = new PlanDriver([{ id: 'p', invocations: broken() }]);
    await assert.rejects(driver.run({ platform: fast(), executor: new SequentialExecutor(), records: 'stream' }), /phase "p": reading its invocations failed: the database went away/);
    assert.deepEqual(driver.results[0]!.counts, { succeeded: 2, failed: 0, aborted: 0 });
    assert.equal(driver.results[0]!.fatal?.name, 'PlanError');
  });

  it('a streamed phase with failures stops the next one, counting them all and naming the first', async () => {
    const platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 0 }, functionErrorRate: 0.5, seed: 3 });
    const driver = new PlanDriver([
      { id: 'first', invocations: numbers(200) },
      { id: 'second', invocations: [{ input: 0 }] },
    ]);
    const run = driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 10, retry: { maxAttempts: 1 } }), records: 'stream' });
    await assert.rejects(run, (e) => {
      assert.ok(e instanceof PhaseNotStartedError);
      assert.equal(e.count, driver.results[0]!.counts.failed);
      assert.ok(e.count > 50);
      assert.equal(e.failedIds.length, 10);
      assert.match(e.message, new RegExp(`${e.count} invocations of phase "first" did not succeed \\(first-\\d+, .* and ${e.count - 10} more\\)`));
      return true;
    });
  });

  it('resumed from its journal, a streamed phase restores what succeeded and reads back the outputs of both runs', async () => {
    const path = join(dir(), 'resume.jsonl');
    const flaky = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 0 }, functionErrorRate: 0.3, seed: 9 });
    const executor = new ConcurrentExecutor({ concurrency: 20, retry: { maxAttempts: 1 } });
    const first = new PlanDriver([{ id: 'p', invocations: () => numbers(500) }]);
    const failedBefore = (await first.run({ platform: flaky, executor, journal: new FileJournal(path) })).phases[0]!.counts.failed;
    assert.ok(failedBefore > 0);
    const again = new PlanDriver([{ id: 'p', invocations: () => numbers(500) }]);
    const run = await again.run({ platform: fast(), executor, journal: new FileJournal(path) });
    const phase = run.phases[0]!;
    assert.equal(phase.restored, 500 - failedBefore);
    assert.deepEqual(phase.counts, { succeeded: 500, failed: 0, aborted: 0 });
    assert.equal(await sum(readOutputs(phase)), (500 * 499) / 2);
  });
});
