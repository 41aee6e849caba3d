import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { EventBus, type FalcoEvents } from '../../src/index.js';
import { Progress } from '../../src/observe/index.js';
import { simulatedRun } from './runs.js';

/** Collects what is written; `isTTY` makes it pass for a terminal. */
function capture(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { isTTY, columns: 160, text: () => chunks.join('') });
}

/** Strips terminal control sequences. */
const plain = (text: string): string => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

describe('Progress', () => {
  it('prints plain periodic lines when the output is not a terminal', async () => {
    const stream = capture(false);
    await simulatedRun((driver) => new Progress({ stream, intervalMs: 20 }).attach(driver.events), { concurrency: 4 });
    const lines = stream.text().trimEnd().split('\n');
    assert.equal(lines[0], '[falco] map: 200 invocations');
    const periodic = lines.filter((l) => /^\[falco\] map: \d+\/200 done \(\d+ failed\), \d+ retries, \d+ in flight, [\d.]+\/s, ETA /.test(l));
    assert.ok(periodic.length >= 2, `periodic lines:\n${lines.join('\n')}`);
    const final = lines.find((l) => l.startsWith('[falco] map: 200/200 done'));
    assert.match(final ?? '', /^\[falco\] map: 200\/200 done \(\d+ failed\), \d+ retries, 0 in flight, [\d.]+\/s, in [\d.]+ (ms|s)$/);
    assert.ok(lines.some((l) => l.startsWith('[falco] reduce: 1/1 done')));
    assert.ok(!stream.text().includes('\x1b'), 'no terminal control codes in plain mode');
  });

  it('draws a bar per phase on a terminal, with failures, retries, in flight, rate and ETA', async () => {
    const stream = capture(true);
    const { result } = await simulatedRun((driver) => new Progress({ stream }).attach(driver.events));
    const text = plain(stream.text());
    const failed = result.phases[0]!.counts.failed;
    assert.match(text, new RegExp(`map +\\|[^|]+\\| 200/200 \\| failed ${failed} \\| retries \\d+ \\| in flight 0 \\| [\\d.]+/s \\| ETA +\\d+s`));
    assert.match(text, /reduce \|[^|]+\| 1\/1 \| failed 0/);
  });

  it('prints nothing when off, and nothing more once detached', async () => {
    const off = capture(true);
    await simulatedRun((driver) => new Progress({ mode: 'off', stream: off }).attach(driver.events));
    assert.equal(off.text(), '');

    const stream = capture(false);
    const events = new EventBus<FalcoEvents>();
    const detach = new Progress({ stream, intervalMs: 5 }).attach(events);
    events.emit('run:start', { runId: 'r', phases: ['p'] });
    events.emit('phase:start', { phase: 'p', size: 10, deployment: { name: 'd', platform: 'x', runtime: 'nodejs:20', memoryMB: 128, timeoutMs: 1000, idempotent: true } });
    detach();
    const before = stream.text();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(stream.text(), before);
  });

  for (const mode of ['bars', 'lines'] as const) {
    it(`never keeps the process alive (${mode})`, async () => {
      const root = new URL('../../src/index.js', import.meta.url);
      const observe = new URL('../../src/observe/index.js', import.meta.url);
      // A phase that starts and never ends: only the progress timers are left, and they must not hold the process.
      const script = `
        import { EventBus } from ${JSON.stringify(root.href)};
        import { Progress } from ${JSON.stringify(observe.href)};
        import { Writable } from 'node:stream';
        const stream = Object.assign(new Writable({ write(c, e, done) { done(); } }), { isTTY: true, columns: 120 });
        const events = new EventBus();
        new Progress({ mode: ${JSON.stringify(mode)}, stream, intervalMs: 10 }).attach(events);
        events.emit('run:start', { runId: 'r', phases: ['p'] });
        events.emit('phase:start', { phase: 'p', size: 10, deployment: { name: 'd', platform: 'x', runtime: 'nodejs:20', memoryMB: 128, timeoutMs: 1000, idempotent: true } });
        setTimeout(() => {}, 100);
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      clearTimeout(timer);
      assert.equal(code, 0, `the process should exit on its own; stderr: ${stderr}`);
    });
  }
});

