import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Invocation } from '../../src/index.js';
import { falco, fixture } from '../helpers/falco-cli.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

/** Half the words fail with a function error, the same ones every run (the fates are seeded by invocation id). */
const HALF_FAIL = JSON.stringify({ seed: 2, latency: { distribution: 'fixed', ms: 1 }, functionErrorRate: 0.5 });
const CLEAN = JSON.stringify({ seed: 4, latency: { distribution: 'fixed', ms: 1 } });

describe('falco run --resume', () => {
  const dir = suiteTempDir('falco-resume-cli-');
  const journalOf = async (runId: string): Promise<Invocation[]> =>
    (await readFile(join(dir(), '.falco', 'runs', `${runId}.jsonl`), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Invocation);

  it('exits 1 when restored invocations failed, counts them in the summary, and runs them again unless --keep-failed', async () => {
    const args = ['run', fixture('named-driver'), '-p', 'simulated', '--platform-options', HALF_FAIL, '--run-id', 'words', '--resume', '-q'];
    const first = await falco(args, dir());
    assert.equal(first.code, 1, first.stderr);
    const kept = await journalOf('words');
    const failed = kept.filter((r) => r.status === 'failed').map((r) => r.id);
    assert.ok(failed.length > 0 && failed.length < kept.length, `${failed.length} of ${kept.length} failed`);

    const restored = await falco([...args, '--keep-failed'], dir());
    assert.equal(restored.code, 1, 'the failures kept from the journal fail the run');
    assert.match(restored.stdout, /^run words: 1 phase$/m);
    assert.match(restored.stdout, new RegExp(`^main +${kept.length} +${kept.length - failed.length} +${failed.length} `, 'm'));
    assert.match(restored.stdout, new RegExp(`restored from the journal, not run again: ${kept.length}`));
    assert.equal((await journalOf('words')).length, kept.length, 'nothing ran');

    const retried = await falco(args, dir());
    assert.equal(retried.code, 1, 'the same function fails the same inputs again');
    assert.deepEqual((await journalOf('words')).slice(kept.length).map((r) => r.id), failed, 'only the failures ran again');
    assert.match(retried.stdout, new RegExp(`restored from the journal, not run again: ${kept.length - failed.length}`));
  });

  it('exits 0 and names the run and its phases when everything is restored', async () => {
    const args = ['run', fixture('squares-driver'), '-p', 'simulated', '--platform-options', CLEAN, '--run-id', 'squares', '--resume', '-q'];
    assert.equal((await falco(args, dir())).code, 0);
    const again = await falco(args, dir());
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^run squares: 2 phases$/m);
    assert.match(again.stdout, /^total +121 +121 +0 +0 /m);
    assert.match(again.stdout, /restored from the journal, not run again: 121/);
  });

  it('refuses --keep-failed without --resume', async () => {
    const { code, stderr } = await falco(['run', fixture('named-driver'), '-p', 'simulated', '--keep-failed'], dir());
    assert.equal(code, 2);
    assert.match(stderr, /--keep-failed needs --resume/);
  });
});
