import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concurrencyBins, peakConcurrency } from '../../src/observe/concurrency.js';
import { quantile } from '../../src/observe/distribution.js';
import { ConfigError, type Attempt, type Invocation } from '../../src/index.js';
import { formatSummary, RunStats } from '../../src/observe/index.js';
import { runFailingAtReduce, simulatedRun } from './runs.js';

/** The same figures, computed the obvious way from the records: what the summary must agree with. */
function naiveQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (rank - low);
}

function bruteForcePeak(intervals: [number, number][]): number {
  let peak = 0;
  for (const [start] of intervals) {
    const level = intervals.filter(([s, e]) => s <= start && e > start).length;
    peak = Math.max(peak, level);
  }
  return peak;
}

function decidingAttempt(invocation: Invocation): Attempt {
  const ok = invocation.status === 'succeeded' ? invocation.attempts.filter((a) => !a.errorClass).at(-1) : undefined;
  return ok ?? invocation.attempts.at(-1)!;
}

describe('quantiles and concurrency', () => {
  it('interpolates quantiles between ranks, like numpy', () => {
    const values = Float64Array.from([1, 2, 3, 4]);
    assert.equal(quantile(values, 0.5), 2.5);
    assert.equal(quantile(values, 0), 1);
    assert.equal(quantile(values, 1), 4);
    assert.ok(Math.abs(quantile(values, 0.9) - 3.7) < 1e-12);
    assert.ok(Number.isNaN(quantile(new Float64Array(0), 0.5)));
  });

  it('finds the peak of overlapping intervals; touching intervals do not overlap', () => {
    assert.equal(peakConcurrency(Float64Array.from([0, 10, 20]), Float64Array.from([10, 20, 30])), 1);
    let seed = 3;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let round = 0; round < 20; round++) {
      const intervals = Array.from({ length: 60 }, (): [number, number] => {
        const start = Math.round(random() * 100);
        return [start, start + 1 + Math.round(random() * 20)];
      });
      const peak = peakConcurrency(Float64Array.from(intervals.map((i) => i[0])), Float64Array.from(intervals.map((i) => i[1])));
      assert.equal(peak, bruteForcePeak(intervals));
      const starts = Float64Array.from(intervals.map((i) => i[0])).sort();
      const ends = Float64Array.from(intervals.map((i) => i[1])).sort();
      const bins = concurrencyBins(starts, ends, 0, 130, 13);
      assert.equal(Math.max(...bins), peak, 'the binned series keeps the peak');
      for (let b = 0; b < 13; b++) {
        const inBin = intervals.filter(([s, e]) => s < (b + 1) * 10 && e > b * 10);
        assert.ok(bins[b]! <= inBin.length, 'a bin never shows more than overlaps it');
      }
    }
  });
});

describe('RunStats', () => {
  it('summarises a run exactly as the records say', async () => {
    let stats!: RunStats;
    const { records, result } = await simulatedRun((driver) => {
      stats = new RunStats({ pricing: { as: 'lambda' } });
      stats.attach(driver.events);
    });
    const summary = stats.summary();
    const map = records.filter((r) => r.phase === 'map');
    assert.deepEqual(summary.runIds, ['test-run']);
    assert.deepEqual(summary.phases.map((p) => p.phase), ['map', 'reduce']);
    const phase = summary.phases[0]!;
    assert.equal(phase.platform, 'simulated');
    assert.equal(phase.memoryMB, 256);
    assert.equal(phase.invocations, 200);
    assert.deepEqual(
      { succeeded: phase.succeeded, failed: phase.failed, aborted: phase.aborted },
      result.phases[0]!.counts,
    );
    assert.ok(phase.failed > 0 && phase.retries > 0 && phase.coldStarts > 0, 'the seeded faults show up');
    const attempts = map.flatMap((r) => r.attempts);
    assert.equal(phase.attempts, attempts.length);
    assert.equal(phase.retries, attempts.length - map.length);
    assert.equal(phase.retriedInvocations, map.filter((r) => r.attempts.length > 1).length);
    assert.equal(phase.coldStarts, attempts.filter((a) => a.coldStart).length);
    assert.equal(phase.errors.function, map.filter((r) => r.error?.class === 'function').length);

    const latencies = map.map((r) => decidingAttempt(r).endedAt - r.attempts[0]!.submittedAt);
    for (const [key, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const) {
      assert.ok(Math.abs(phase.latencyMs![key] - naiveQuantile(latencies, q)) < 1e-6, key);
    }
    assert.equal(phase.latencyMs!.max, Math.max(...latencies));
    const durations = attempts.filter((a) => a.durationMs !== undefined).map((a) => a.durationMs!);
    assert.equal(phase.platformDurationMs!.count, durations.length);
    assert.equal(phase.platformDurationMs!.p50, naiveQuantile(durations, 0.5));

    const start = Math.min(...attempts.map((a) => a.submittedAt));
    const end = Math.max(...attempts.map((a) => a.endedAt));
    assert.equal(phase.makespanMs, end - start);
    assert.ok(Math.abs(phase.throughputPerSecond - (phase.succeeded + phase.failed) / ((end - start) / 1000)) < 1e-9);
    assert.equal(phase.peakConcurrency, bruteForcePeak(attempts.map((a) => [a.submittedAt, a.endedAt])));

    // Lambda prices, from durations rounded up to the millisecond (the simulator reports no billed duration).
    const billed = durations.reduce((sum, d) => sum + Math.ceil(d), 0);
    const cost = phase.cost!;
    assert.equal(cost.billedMs, billed);
    assert.equal(cost.requestCount, durations.length);
    assert.equal(cost.unpriced, attempts.length - durations.length);
    const expected = (billed / 1000) * (256 / 1024) * 0.0000166667 + durations.length * 0.0000002;
    assert.ok(Math.abs(cost.total - expected) < 1e-15, `${cost.total} vs ${expected}`);

    const all = records.flatMap((r) => r.attempts);
    assert.equal(summary.total.invocations, 201);
    assert.equal(summary.total.attempts, all.length);
    assert.equal(summary.total.makespanMs, Math.max(...all.map((a) => a.endedAt)) - Math.min(...all.map((a) => a.submittedAt)));
    assert.ok(Math.abs(summary.total.cost!.total - summary.phases.reduce((s, p) => s + p.cost!.total, 0)) < 1e-15);

    const text = formatSummary(summary);
    assert.match(text, /^run test-run: 2 phases/);
    assert.match(text, /map\s+200\s+\d+\s+\d+\s+0\s+\d+/);
    assert.match(text, /cost: \$[\d.e-]+ = .*AWS Lambda x86_64/);
    assert.match(text, /errors by class: function \d+/);
  });

  it('prices reported billed durations as they are and counts speculative copies apart from retries', () => {
    const stats = new RunStats();
    const deployment = { runId: 'r', phase: 'p', platform: 'lambda', deployment: 'falco-x-00000000', memoryMB: 1024 };
    const record = (id: string, attempts: Attempt[], status: Invocation['status'] = 'succeeded'): Invocation => ({ id, phase: 'p', input: {}, status, attempts });
    stats.add(record('a', [{ attempt: 1, submittedAt: 0, endedAt: 150, durationMs: 120.2, billedDurationMs: 121 }]), deployment);
    stats.add(
      record('b', [
        { attempt: 1, submittedAt: 0, endedAt: 10, errorClass: 'throttled', error: 'slow down' },
        { attempt: 2, submittedAt: 20, endedAt: 90, durationMs: 60, billedDurationMs: 60 },
        { attempt: 2, submittedAt: 40, endedAt: 95, speculative: true, errorClass: 'aborted', error: 'superseded', durationMs: 50, billedDurationMs: 50 },
      ]),
      deployment,
    );
    const phase = stats.summary().phases[0]!;
    assert.equal(phase.attempts, 4);
    assert.equal(phase.speculative, 1);
    assert.equal(phase.retries, 1);
    assert.equal(phase.retriedInvocations, 1);
    assert.equal(phase.latencyMs!.max, 150);
    assert.equal(phase.latencyMs!.min, 90, 'the winner of a speculative race decides the latency, not the loser');
    assert.equal(phase.cost!.billedMs, 231);
    assert.equal(phase.cost!.fromBilledDuration, 3);
    assert.equal(phase.cost!.unpriced, 1, 'the throttled attempt never ran and is not billed');
    assert.ok(Math.abs(phase.cost!.total - (0.231 * 1 * 0.0000166667 + 3 * 0.0000002)) < 1e-15);
  });

  it('prices Google Cloud Functions by memory and vCPU, rounding up to 100 ms', () => {
    const stats = new RunStats();
    stats.add(
      { id: 'a', phase: 'p', input: {}, status: 'succeeded', attempts: [{ attempt: 1, submittedAt: 0, endedAt: 300, durationMs: 201 }] },
      { phase: 'p', platform: 'gcf', memoryMB: 512 },
    );
    const cost = stats.summary().total.cost!;
    assert.equal(cost.billedMs, 300);
    assert.ok(Math.abs(cost.gbSeconds - 0.15) < 1e-12);
    assert.ok(Math.abs(cost.vcpuSeconds - 0.3 * 0.333) < 1e-12);
    assert.ok(Math.abs(cost.total - (0.15 * 0.0000025 + 0.3 * 0.333 * 0.000024 + 0.0000004)) < 1e-15);
  });

  it('takes price overrides, and refuses an unknown price table at once', () => {
    const stats = new RunStats({ pricing: { tables: { openwhisk: { perGbSecond: 0.00001, name: 'my OpenWhisk' } } } });
    stats.add(
      { id: 'a', phase: 'p', input: {}, status: 'succeeded', attempts: [{ attempt: 1, submittedAt: 0, endedAt: 60, durationMs: 50 }] },
      { phase: 'p', platform: 'openwhisk', memoryMB: 2048 },
    );
    const cost = stats.summary().total.cost!;
    assert.deepEqual(cost.tables, ['my OpenWhisk']);
    assert.ok(Math.abs(cost.total - 0.1 * 2 * 0.00001) < 1e-15, 'rounded up to 100 ms, no per-request price');
    assert.throws(() => new RunStats({ pricing: { as: 'azure' } }), ConfigError);
    const local = new RunStats();
    local.add({ id: 'a', phase: 'p', input: {}, status: 'succeeded', attempts: [{ attempt: 1, submittedAt: 0, endedAt: 5, durationMs: 4 }] }, { phase: 'p', platform: 'local', memoryMB: 256 });
    assert.equal(local.summary().total.cost, undefined, 'no price table for the local platform unless asked');
  });

  it('lists the first failed invocations by id, class and message, per phase and for the run, and counts the rest', () => {
    const stats = new RunStats();
    const failed = (phase: string, i: number): Invocation => ({
      id: `${phase}${i}`,
      phase,
      input: {},
      status: 'failed',
      attempts: [{ attempt: 1, submittedAt: i, endedAt: i + 1, errorClass: 'function', error: 'boom' }],
      error: { class: 'function', name: 'FunctionError', message: `ValueError: bad input ${i}\nTraceback (most recent call last): ...` },
    });
    for (let i = 0; i < 15; i++) stats.add(failed('a', i));
    for (let i = 0; i < 12; i++) stats.add(failed('b', i));
    stats.add({ id: 'ok', phase: 'b', input: {}, status: 'succeeded', attempts: [{ attempt: 1, submittedAt: 0, endedAt: 1 }] });
    stats.add({ id: 'stopped', phase: 'b', input: {}, status: 'aborted', attempts: [], error: { class: 'aborted', name: 'AbortedError', message: 'stop' } });
    const summary = stats.summary();
    assert.deepEqual(summary.phases[0]!.failures.listed.map((f) => f.id), ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9']);
    assert.equal(summary.phases[0]!.failures.unlisted, 5);
    assert.equal(summary.phases[1]!.failures.unlisted, 2, 'aborted invocations are counted as aborted, not listed as failed');
    assert.deepEqual(summary.total.failures.listed[0], { phase: 'a', id: 'a0', errorClass: 'function', message: 'ValueError: bad input 0\nTraceback (most recent call last): ...' });
    assert.equal(summary.total.failures.listed.length, 10);
    assert.equal(summary.total.failures.unlisted, 17);
    assert.deepEqual(JSON.parse(JSON.stringify(summary)).total.failures, summary.total.failures, 'the JSON summary carries them as they are');

    const text = formatSummary(summary);
    assert.match(text, /^failed invocations \(the first 10 of 27\):$/m);
    assert.match(text, /^  a +a0 +function +ValueError: bad input 0…$/m, 'the first line of the message, marked as clipped');
    assert.match(text, /^  … and 17 more$/m);
  });

  it('says the run failed, why, and which phases never started', async () => {
    const { stats } = await runFailingAtReduce(5, { latency: { distribution: 'fixed', ms: 1 } });
    const { outcome } = stats.summary();
    assert.equal(outcome?.status, 'failed');
    assert.deepEqual(outcome.phases, ['map', 'reduce', 'publish']);
    assert.deepEqual(outcome.notStarted, ['reduce', 'publish']);
    assert.match(outcome.error!, /nothing to reduce/);
    assert.match(formatSummary(stats.summary()), /^the run failed: .*nothing to reduce.*; never started: reduce, publish$/m);
    assert.equal(new RunStats().summary().outcome, undefined, 'records alone say nothing of the run');
  });

  it('counts invocations that never ran without inventing timings for them', () => {
    const stats = new RunStats();
    stats.add({ id: 'x', phase: 'p', input: {}, status: 'aborted', attempts: [], error: { class: 'aborted', name: 'AbortedError', message: 'stop' } });
    const total = stats.summary().total;
    assert.equal(total.invocations, 1);
    assert.equal(total.aborted, 1);
    assert.equal(total.latencyMs, undefined);
    assert.equal(total.makespanMs, 0);
    assert.equal(total.startedAt, undefined);
  });

  // How fast is the scale benchmark's to say; this checks the figures of a million records.
  it('summarises a million invocations from columns of numbers, without keeping the records', () => {
    const stats = new RunStats({ pricing: { as: 'lambda' } });
    const info = { phase: 'big', platform: 'simulated', memoryMB: 128 };
    const attempt: Attempt = { attempt: 1, submittedAt: 0, endedAt: 0, durationMs: 0, coldStart: false };
    const record: Invocation = { id: 'same', phase: 'big', input: null, status: 'succeeded', attempts: [attempt] };
    for (let i = 0; i < 1_000_000; i++) {
      // One record object, changed in place: the stats keep numbers, never the record.
      attempt.submittedAt = i * 0.01;
      attempt.durationMs = 5 + (i % 97);
      attempt.endedAt = attempt.submittedAt + attempt.durationMs + 1;
      stats.add(record, info);
    }
    const summary = stats.summary();
    assert.equal(summary.total.invocations, 1_000_000);
    assert.ok(Math.abs(summary.total.latencyMs!.max - 102) < 1e-6);
  });
});
