import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Invocation } from '../../src/index.js';
import { quantile } from '../../src/observe/distribution.js';
import { EXACT_VALUES } from '../../src/observe/durations.js';
import { RunStats } from '../../src/observe/index.js';
import { LogHistogram } from '../../src/observe/log-histogram.js';
import { SampledConcurrency } from '../../src/observe/sampled-concurrency.js';

/** A deterministic stream of uniform draws (mulberry32), so every run checks the same values. */
function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Within 1 %, or a microsecond: smaller values count as zero. */
const withinOnePercent = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 0.01 * Math.abs(expected) + 1e-3, `${what}: ${actual} against ${expected}`);

/** The level at instant t, counted by brute force. */
const levelAt = (intervals: readonly [number, number][], t: number) => intervals.filter(([s, e]) => s <= t && t < e).length;

describe('statistics of a phase too large to keep every value', () => {
  it('a log histogram gives every quantile within 1 %, and count, sum, min and max exactly', () => {
    const random = uniforms(7);
    // Lognormal latencies around 40 ms, with zeros and sub-microsecond values among them.
    const values = Float64Array.from({ length: 200_000 }, (_, i) => (i % 1000 === 0 ? 0 : i % 777 === 0 ? 1e-4 : 40 * Math.exp(0.8 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()))));
    const histogram = new LogHistogram();
    histogram.addAll(values);
    const sorted = Float64Array.from(values).sort();
    for (const q of [0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1]) withinOnePercent(histogram.quantile(q), quantile(sorted, q), `q${q}`);
    assert.equal(histogram.count, values.length);
    assert.equal(histogram.min, 0);
    assert.equal(histogram.max, sorted[sorted.length - 1]);
    assert.equal(histogram.sum, values.reduce((a, b) => a + b, 0));
  });

  it('merged histograms are the histogram of all their values', () => {
    const random = uniforms(3);
    const [a, b, all] = [new LogHistogram(), new LogHistogram(), new LogHistogram()];
    for (let i = 0; i < 50_000; i++) {
      const value = random() * 1000;
      (i % 3 === 0 ? a : b).add(value);
      all.add(value);
    }
    a.merge(b);
    for (const q of [0.1, 0.5, 0.99]) assert.equal(a.quantile(q), all.quantile(q));
    assert.deepEqual([a.count, a.min, a.max], [all.count, all.min, all.max]);
  });

  it('sampled concurrency is exact at every instant it samples, also after its spacing doubled, and merged with another track', () => {
    const random = uniforms(11);
    const intervals: [number, number][] = Array.from({ length: 3_000 }, () => {
      const start = 1_790_000_000_000 + random() * 600_000;
      return [start, start + random() * 20_000];
    });
    // Begins at 1 ms apart: ten minutes of attempts make it double its spacing several times.
    const [first, second] = [new SampledConcurrency(1), new SampledConcurrency(0.25)];
    intervals.forEach((interval, i) => (i % 2 ? first : second).add(...interval));
    first.merge(second);
    const width = first.widthMs;
    assert.ok(width >= 8, `the spacing grew to ${width} ms`);
    const from = Math.ceil(1_790_000_000_000 / width) * width;
    const to = from + 640 * width;
    // One bin per sampled instant: each bin's level is the brute-force level at its instant.
    const bins = first.bins(from, to, 640);
    for (let k = 0; k < 640; k += 7) assert.equal(bins[k], levelAt(intervals, from + k * width), `instant ${k}`);
    let peak = 0;
    for (let t = from; t < 1_790_000_000_000 + 700_000; t += width) peak = Math.max(peak, levelAt(intervals, t));
    assert.equal(first.peak(), peak);
  });

  it(`a RunStats phase of more than ${EXACT_VALUES.toLocaleString('en')} invocations keeps fixed-size statistics: exact counts, mean, min and max, quantiles within 1 %, the peak at its sampled instants`, () => {
    const stats = new RunStats();
    const random = uniforms(5);
    const count = EXACT_VALUES * 3;
    const latencies: number[] = [];
    const origin = 1_790_000_000_000;
    // Waves of 250 calls at once, each wave 10 ms after the last: 250 in flight whenever a wave runs.
    for (let i = 0; i < count; i++) {
      const submittedAt = origin + Math.floor(i / 250) * 10;
      const ms = 5 + random() * 5;
      const endedAt = submittedAt + ms;
      latencies.push(endedAt - submittedAt);
      const invocation: Invocation = { id: `i${i}`, phase: 'map', input: i, status: 'succeeded', output: i, attempts: [{ attempt: 1, submittedAt, endedAt, durationMs: ms / 2 }] };
      stats.add(invocation);
    }
    const [phase] = stats.phases;
    assert.equal(phase!.latencyMs.exact, undefined, 'the latencies went into a histogram');
    assert.equal(phase!.intervals.exact, undefined, 'the intervals went into sampled concurrency');
    const summary = stats.summary().phases[0]!;
    const sorted = Float64Array.from(latencies).sort();
    assert.equal(summary.invocations, count);
    assert.equal(summary.latencyMs!.count, count);
    assert.equal(summary.latencyMs!.min, sorted[0]);
    assert.equal(summary.latencyMs!.max, sorted[count - 1]);
    withinOnePercent(summary.latencyMs!.mean, latencies.reduce((a, b) => a + b, 0) / count, 'mean');
    for (const key of ['p50', 'p90', 'p99'] as const) withinOnePercent(summary.latencyMs![key], quantile(sorted, Number(`0.${key.slice(1)}`)), key);
    withinOnePercent(summary.platformDurationMs!.p50, quantile(sorted, 0.5) / 2, 'platform p50');
    assert.equal(summary.peakConcurrency, 250);
  });
});
