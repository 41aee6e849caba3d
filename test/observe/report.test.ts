import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatCount, formatMs } from '../../src/observe/format.js';
import { type Attempt, type Invocation } from '../../src/index.js';
import { reportHtml, reportModel, RunStats, writeReport } from '../../src/observe/index.js';
import { findChromium, HeadlessPage, keepOutput, NO_CHROMIUM } from '../helpers/chromium.js';
import { runFailingAtReduce, simulatedRun } from './runs.js';

function deciding(record: Invocation): Attempt {
  const ok = record.status === 'succeeded' ? record.attempts.filter((a) => !a.errorClass).at(-1) : undefined;
  return ok ?? record.attempts.at(-1)!;
}

function naiveQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (rank - low);
}

function bruteForcePeak(attempts: Attempt[]): number {
  return Math.max(...attempts.map((a) => attempts.filter((b) => b.submittedAt <= a.submittedAt && b.endedAt > a.submittedAt).length));
}

/** A synthetic phase: `count` invocations, one in `slowEvery` far slower than the rest. */
function syntheticStats(count: number, slowEvery = 0): RunStats {
  const stats = new RunStats();
  for (let i = 0; i < count; i++) {
    const latency = slowEvery && i % slowEvery === 0 ? 5000 : 10 + (i % 50);
    const submittedAt = 1_000_000 + i;
    stats.add(
      { id: `i${i}`, phase: i < count / 2 ? 'a' : 'b', input: {}, status: 'succeeded', attempts: [{ attempt: 1, submittedAt, endedAt: submittedAt + latency }] },
      { phase: i < count / 2 ? 'a' : 'b', platform: 'simulated', memoryMB: 128 },
    );
  }
  return stats;
}

describe('report model', () => {
  it('samples the timeline of a large run systematically, says so, and keeps every invocation in the other charts', () => {
    const stats = syntheticStats(10_000);
    const model = reportModel(stats, { maxBars: 500 });
    assert.equal(model.timeline.total, 10_000);
    assert.equal(model.timeline.stride, 32, 'the smallest power of two that keeps the timeline within maxBars');
    assert.equal(model.timeline.bars.length, 2 * Math.ceil(5000 / 32), 'every 32nd invocation of each of the two phases');
    assert.deepEqual(
      model.timeline.bars.slice(0, 3).map((bar) => bar.id),
      ['i0', 'i32', 'i64'],
      'each drawn bar knows its invocation, though a phase keeps only a sample of the ids',
    );
    assert.ok(model.timeline.bars.every((bar) => bar.id !== undefined));
    assert.ok(model.timeline.bars.every((bar, i, bars) => i === 0 || bars[i - 1]!.submitted <= bar.submitted), 'bars go up in order of submission');
    assert.equal(model.histogram.counts.reduce((a, b) => a + b, 0) + model.histogram.overflow, 10_000);
    assert.equal(Math.max(...model.concurrency.max), model.summary.total.peakConcurrency);
    const html = reportHtml(stats, { maxBars: 500 });
    assert.equal(html.match(/<g class="inv /g)?.length, 314);
    assert.match(html, /A systematic sample: every 32nd of each phase&#39;s invocations, of the 10,000 that reached the platform/);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, 'no script and nothing fetched from the network');
  });

  it('puts a long tail in one overflow bar instead of squashing the histogram', () => {
    const model = reportModel(syntheticStats(2000, 100));
    assert.equal(model.histogram.overflow, 20);
    assert.ok(model.histogram.overflowFromMs! < 5000);
    assert.equal(model.histogram.counts.reduce((a, b) => a + b, 0), 1980);
  });
});

describe('HTML report in headless Chromium', () => {
  const chromium = findChromium();
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'falco-report-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders the timeline, concurrency, histogram and summary, with figures that match the records', { skip: chromium ? false : NO_CHROMIUM }, async () => {
    let stats!: RunStats;
    const { records } = await simulatedRun(
      (driver) => {
        stats = new RunStats({ pricing: { as: 'lambda' } });
        stats.attach(driver.events);
      },
      { invocations: 300 },
    );
    const path = join(dir, 'report.html');
    await writeReport(stats, path, { title: 'falco report test' });

    const page = await HeadlessPage.open(chromium!);
    try {
      await page.load(path);
      const seen = await page.evaluate<{
        title: string;
        bars: number;
        drawnBars: number;
        failedBars: number;
        coldBars: number;
        retriedBars: number;
        sizes: Record<string, { width: number; height: number }>;
        histogramSum: number;
        peak: string;
        peakLabel: string;
        okFill: string;
        total: Record<string, string>;
        map: Record<string, string>;
        note: string;
        cost: string;
      }>(`(() => {
        const q = (s) => document.querySelector(s);
        const all = (s) => [...document.querySelectorAll(s)];
        const row = (name) => Object.fromEntries(all('#summary tr[data-phase="' + name + '"] td').map((td) => [td.dataset.key, td.textContent]));
        const size = (s) => { const r = q(s).getBoundingClientRect(); return { width: r.width, height: r.height }; };
        return {
          title: q('h1').textContent,
          bars: all('#timeline g.inv').length,
          drawnBars: all('#timeline g.inv rect.run').filter((r) => r.getBBox().width > 0 && r.getBBox().height > 0).length,
          failedBars: all('#timeline g.inv.s-1').length,
          coldBars: all('#timeline g.inv.cold').length,
          retriedBars: all('#timeline g.inv.retried').length,
          sizes: { timeline: size('#timeline'), concurrency: size('#concurrency'), histogram: size('#histogram'), summary: size('#summary') },
          histogramSum: all('#histogram rect.bin').reduce((n, r) => n + Number(r.dataset.count), 0),
          peak: q('#concurrency').dataset.peak,
          peakLabel: q('#concurrency .peak-label').textContent,
          okFill: getComputedStyle(q('#timeline g.inv.s-0:not(.cold) rect.run')).fill,
          total: row('total'),
          map: row('map'),
          note: q('#timeline-note').textContent,
          cost: q('#cost').textContent,
        };
      })()`);

      const ran = records.filter((r) => r.attempts.length > 0);
      assert.equal(seen.title, 'falco report test');
      assert.equal(seen.bars, ran.length, 'one bar per invocation');
      assert.equal(seen.drawnBars, ran.length, 'every bar has a size on the page');
      assert.equal(seen.failedBars, records.filter((r) => r.status === 'failed').length);
      assert.equal(seen.coldBars, ran.filter((r) => deciding(r).coldStart).length);
      assert.equal(seen.retriedBars, ran.filter((r) => r.attempts.length > 1).length);
      for (const [chart, { width, height }] of Object.entries(seen.sizes)) assert.ok(width > 400 && height > 40, `${chart} is laid out: ${width}×${height}`);
      assert.equal(seen.histogramSum, ran.length);
      const attempts = records.flatMap((r) => r.attempts);
      assert.equal(seen.peak, String(bruteForcePeak(attempts)));
      assert.equal(seen.peakLabel, `peak ${bruteForcePeak(attempts)}`);
      assert.equal(seen.okFill, 'rgb(67, 160, 71)', 'the inline stylesheet applies');
      assert.match(seen.note, /All 301 invocations/);

      const latencies = ran.map((r) => deciding(r).endedAt - r.attempts[0]!.submittedAt);
      const map = records.filter((r) => r.phase === 'map');
      assert.deepEqual(
        {
          invocations: seen.total.invocations,
          succeeded: seen.total.succeeded,
          failed: seen.total.failed,
          retries: seen.total.retries,
          coldStarts: seen.total.coldStarts,
          p50: seen.total.p50,
          p99: seen.total.p99,
          max: seen.total.max,
          peakConcurrency: seen.total.peakConcurrency,
        },
        {
          invocations: formatCount(records.length),
          succeeded: formatCount(records.filter((r) => r.status === 'succeeded').length),
          failed: formatCount(records.filter((r) => r.status === 'failed').length),
          retries: formatCount(attempts.length - ran.length),
          coldStarts: formatCount(attempts.filter((a) => a.coldStart).length),
          p50: formatMs(naiveQuantile(latencies, 0.5)),
          p99: formatMs(naiveQuantile(latencies, 0.99)),
          max: formatMs(Math.max(...latencies)),
          peakConcurrency: formatCount(bruteForcePeak(attempts)),
        },
      );
      assert.equal(seen.map.invocations, '300');
      assert.equal(seen.map.failed, formatCount(map.filter((r) => r.status === 'failed').length));
      assert.match(seen.cost, /^cost: \$[\d.e-]+ = .*AWS Lambda x86_64, us-east-1/);

      const png = await page.screenshot();
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
      await keepOutput('report.png', png);
      await keepOutput('report.html', await readFile(path));
    } finally {
      await page.close();
    }
  });

  it('says on the page that the run failed, why, which phases never started, and which invocations failed; tooltips name the invocation; the p99 label stays inside its chart', { skip: chromium ? false : NO_CHROMIUM }, async () => {
    // Uniform latencies put the p99 marker close to the right edge of the histogram.
    const { stats, records } = await runFailingAtReduce(80, { seed: 3, latency: { distribution: 'uniform', minMs: 2, maxMs: 12 }, functionErrorRate: 0.25 });
    const failed = records.filter((r) => r.status === 'failed');
    assert.ok(failed.length > 10, `enough failures to list only some: ${failed.length}`);
    const path = join(dir, 'failed.html');
    await writeReport(stats, path);

    const page = await HeadlessPage.open(chromium!);
    try {
      await page.load(path);
      const seen = await page.evaluate<{
        banner: string;
        bannerShown: boolean;
        failures: { id: string; cells: string[] }[];
        more: string;
        titles: string[];
        labels: { name: string; right: number; left: number }[];
        width: number;
      }>(`(() => {
        const q = (s) => document.querySelector(s);
        const all = (s) => [...document.querySelectorAll(s)];
        const banner = q('#run-failed');
        return {
          banner: banner ? banner.textContent : '',
          bannerShown: banner ? banner.getBoundingClientRect().height > 0 : false,
          failures: all('#failures tbody tr').map((tr) => ({ id: tr.dataset.id, cells: [...tr.cells].map((td) => td.textContent) })),
          more: q('#failures-more') ? q('#failures-more').textContent : '',
          titles: all('#timeline g.inv > title').map((t) => t.textContent),
          labels: all('#histogram .marker-label').map((t) => { const b = t.getBBox(); return { name: t.textContent.split(' ')[0], left: b.x, right: b.x + b.width }; }),
          width: q('#histogram').viewBox.baseVal.width,
        };
      })()`);
      assert.ok(seen.bannerShown);
      assert.match(seen.banner, /^The run failed: .*nothing to reduce\. Never started: reduce, publish \(2 of the plan's 3 phases\)/);
      assert.equal(seen.failures.length, 10);
      for (const { id, cells } of seen.failures) {
        const record = failed.find((r) => r.id === id);
        assert.ok(record, `${id} is a failed invocation`);
        assert.deepEqual(cells, ['map', id, record.error!.class, record.error!.message]);
      }
      assert.equal(seen.more, `… and ${failed.length - 10} more failed invocations (every record is in the records file).`);
      assert.equal(seen.titles.length, records.length);
      assert.deepEqual(new Set(seen.titles.map((t) => t.split(' · ')[0])), new Set(records.map((r) => r.id)), 'every tooltip names its invocation');
      assert.deepEqual(seen.labels.map((l) => l.name), ['p50', 'p99']);
      for (const label of seen.labels) assert.ok(label.left >= 0 && label.right <= seen.width, `${label.name} label inside the chart: ${label.left}–${label.right} of ${seen.width}`);
      await keepOutput('report-failed.png', await page.screenshot());
    } finally {
      await page.close();
    }
  });

  it('renders a sampled timeline and says so on the page', { skip: chromium ? false : NO_CHROMIUM }, async () => {
    const path = join(dir, 'sampled.html');
    await writeReport(syntheticStats(5000, 250), path, { maxBars: 250 });
    const page = await HeadlessPage.open(chromium!);
    try {
      await page.load(path);
      const seen = await page.evaluate<{ bars: number; data: string; note: string; overflow: string; histogramSum: number }>(`({
        bars: document.querySelectorAll('#timeline g.inv').length,
        data: document.querySelector('#timeline').dataset.total + '/' + document.querySelector('#timeline').dataset.stride,
        note: document.querySelector('#timeline-note').textContent,
        overflow: document.querySelector('#histogram').dataset.overflow,
        histogramSum: [...document.querySelectorAll('#histogram rect.bin')].reduce((n, r) => n + Number(r.dataset.count), 0),
      })`);
      assert.equal(seen.bars, 2 * Math.ceil(2500 / 32));
      assert.equal(seen.data, '5000/32');
      assert.match(seen.note, /systematic sample: every 32nd of each phase's invocations, of the 5,000/);
      assert.equal(seen.overflow, '20');
      assert.equal(seen.histogramSum, 5000);
      await keepOutput('report-sampled.png', await page.screenshot());
    } finally {
      await page.close();
    }
  });
});
