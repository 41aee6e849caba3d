import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { ConfigError, deployable, EventBus, type FalcoEvents } from '../../../src/index.js';
import { pipeline, PipelineStoppedError, type FinalState, type RequestStatus } from '../../../flows/index.js';
import { suiteLocalPlatform } from './local-platform.js';

const inc = deployable<{ n: number }, { n: number }>({ runtime: 'nodejs:20', name: 'inc', code: { source: 'function main({ n }) { return { n: n + 1 }; }' } });
const slow = deployable<{ n: number }, { n: number }>({ runtime: 'nodejs:20', name: 'slow', code: { source: 'async function main({ n }) { await new Promise((r) => setTimeout(r, 60000)); return { n }; }' } });

/** Polls a request's status until `until` holds (the test's own timeout bounds it). */
async function statusWhen(read: () => Promise<RequestStatus | undefined>, until: (status: RequestStatus) => boolean): Promise<RequestStatus> {
  for (;;) {
    const status = await read();
    if (status && until(status)) return status;
    await sleep(5);
  }
}

/** A gate the test opens: a modifier waits on it, so the test knows where the request is. */
function gate() {
  let open!: () => void;
  let entered!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const reached = new Promise<void>((resolve) => (entered = resolve));
  return { open, reached, wait: () => (entered(), opened) };
}

describe('pause, resume and stop a request by id', () => {
  const platform = suiteLocalPlatform();

  /** Phase 0: a gated modify, then an async apply; phase 1: a counted modify and a sync apply. */
  function twoPhases(finals: FinalState<unknown>[]) {
    const first = gate();
    const counted = { secondPhase: 0 };
    const p = pipeline<{ n: number }>('pausable')
      .modify(async (data) => (await first.wait(), data))
      .apply(inc)
      .modify((data) => (counted.secondPhase++, data))
      .apply(inc, { sync: true })
      .finally((final) => void finals.push(final));
    return { p, first, counted };
  }

  it('pause lets the phase in hand finish and parks the next; resume runs it', async () => {
    const finals: FinalState<unknown>[] = [];
    const { p, first, counted } = twoPhases(finals);
    const running = p.run({ n: 0 }, { platform: platform(), requestId: 'to-pause' });
    await first.reached;
    assert.equal((await p.pause('to-pause')).state, 'paused');
    first.open();
    const parked = await statusWhen(() => p.status('to-pause'), (status) => status.phase === 1 && status.next !== undefined);
    assert.equal(parked.state, 'paused');
    assert.equal(parked.forwarded, false, 'the next phase was not forwarded');
    assert.equal(parked.position, 2, 'the request waits at step 2');
    assert.equal(parked.timings.length, 1);
    assert.equal(counted.secondPhase, 0, 'phase 1 did not run while paused');
    assert.equal((await p.pause('to-pause')).state, 'paused', 'pausing again changes nothing');

    assert.equal((await p.resume('to-pause')).state, 'running');
    assert.deepEqual(await running, { output: { n: 2 }, requestId: 'to-pause' });
    assert.equal(counted.secondPhase, 1);
    assert.equal(finals.length, 1);
    await assert.rejects(p.pause('to-pause'), (error: Error) => error instanceof ConfigError && /cannot pause request "to-pause": it is succeeded/.test(error.message));
    const done = await p.status('to-pause');
    assert.equal(done?.state, 'succeeded');
    assert.equal(done?.timings.length, 2);
  });

  it('a request paused after its next phase was forwarded, before it ran, is parked and runs on resume', { timeout: 30_000 }, async () => {
    const p = pipeline<{ n: number }>('paused-early').apply(inc).apply(inc);
    const requestId = await p.submit({ n: 0 }, { platform: platform() });
    await p.pause(requestId); // phase 0 is forwarded and not yet run
    const parked = await statusWhen(() => p.status(requestId), (status) => !status.forwarded);
    assert.equal(parked.state, 'paused');
    assert.equal(parked.phase, 0);
    await p.resume(requestId);
    const done = await statusWhen(() => p.status(requestId), (status) => status.state === 'succeeded');
    assert.deepEqual(done.output, { n: 2 });
  });

  it('stop of a paused request ends it: run() rejects, finally runs once with "stopped", it cannot be resumed', async () => {
    const finals: FinalState<unknown>[] = [];
    const { p, first, counted } = twoPhases(finals);
    const running = p.run({ n: 0 }, { platform: platform(), requestId: 'to-stop' });
    await first.reached;
    await p.pause('to-stop');
    first.open();
    await statusWhen(() => p.status('to-stop'), (status) => status.phase === 1 && status.next !== undefined);
    assert.equal((await p.stop('to-stop')).state, 'stopped');
    await assert.rejects(running, (error: Error) => error instanceof PipelineStoppedError && /request "to-stop" was stopped/.test(error.message));
    assert.equal(counted.secondPhase, 0);
    assert.deepEqual(finals.map((final) => final.state), ['stopped']);
    assert.equal((await p.status('to-stop'))?.finally, 'done');
    await assert.rejects(p.resume('to-stop'), /cannot resume request "to-stop": it is stopped/);
    assert.equal((await p.stop('to-stop')).state, 'stopped', 'stopping again changes nothing');
    assert.equal(finals.length, 1);
  });

  it('stop of a request whose function is running aborts the call; finally runs once', { timeout: 30_000 }, async () => {
    const finals: FinalState<unknown>[] = [];
    const events = new EventBus<FalcoEvents>();
    const started = new Promise<void>((resolve) => events.on('invocation:start', () => resolve()));
    const ended: string[] = [];
    events.on('invocation:end', ({ invocation }) => ended.push(invocation.status));
    const p = pipeline<{ n: number }>('stoppable').apply(slow, { sync: true }).apply(inc).finally((final) => void finals.push(final));
    const running = p.run({ n: 0 }, { platform: platform(), requestId: 'slow-one', events });
    await started;
    await p.stop('slow-one');
    await assert.rejects(running, PipelineStoppedError);
    assert.deepEqual(ended, ['aborted'], 'the call in flight was aborted');
    assert.deepEqual(finals.map((final) => final.state), ['stopped']);
    const status = await p.status('slow-one');
    assert.equal(status?.state, 'stopped');
    assert.equal(status?.phase, 1, 'the phase it was in is counted as ended');
  });

  it('aborting run()\'s signal stops the request the same way', { timeout: 30_000 }, async () => {
    const events = new EventBus<FalcoEvents>();
    const started = new Promise<void>((resolve) => events.on('invocation:start', () => resolve()));
    const abort = new AbortController();
    const p = pipeline<{ n: number }>('abortable').apply(slow, { sync: true });
    const running = p.run({ n: 0 }, { platform: platform(), requestId: 'aborted-one', events, signal: abort.signal });
    await started;
    abort.abort();
    await assert.rejects(running, PipelineStoppedError);
    assert.equal((await p.status('aborted-one'))?.state, 'stopped');
  });
});

describe('fan-out: applyEach and a merging modify', () => {
  const platform = suiteLocalPlatform();

  it('applies the function to each item as one phase of invocations through an executor, with records and a price', async () => {
    const square = deployable<{ n: number }, { square: number }>({ runtime: 'nodejs:20', name: 'square', code: { source: 'function main({ n }) { return { square: n * n }; }' } });
    const events = new EventBus<FalcoEvents>();
    const { RunStats } = await import('../../../src/observe/index.js');
    const stats = new RunStats({ pricing: { as: 'lambda' } });
    stats.attach(events);
    const sumOfSquares = pipeline<number[]>('sum-of-squares')
      .modify((ns) => ns.map((n) => ({ n })))
      .applyEach(square, { concurrency: 4 })
      .modify((outputs) => ({ sum: outputs.reduce((sum, { square: s }) => sum + s, 0) }));
    const ids: string[] = [];
    events.on('invocation:end', ({ invocation }) => ids.push(invocation.id));
    const { output, requestId } = await sumOfSquares.run(Array.from({ length: 20 }, (_, n) => n), { platform: platform(), events });
    assert.deepEqual(output, { sum: 2470 });
    assert.equal(ids.length, 20);
    assert.deepEqual(new Set(ids), new Set(Array.from({ length: 20 }, (_, i) => `${requestId}/1/${i}`)));
    const summary = stats.summary();
    assert.equal(summary.total.succeeded, 20);
    assert.equal(summary.phases[0]?.phase, 'sum-of-squares/1.square');
    assert.ok(summary.total.cost, 'priced as on Lambda');
    assert.equal((await sumOfSquares.status(requestId))?.phases, 2, 'the async applyEach ended phase 0');
  });
});
