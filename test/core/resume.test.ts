import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FileJournal, type Invocation } from '../../src/index.js';
import { journalKey } from '../../src/spi.js';
import { runKillable } from '../helpers/killable-child.js';

const child = fileURLToPath(new URL('../fixtures/resume-child.js', import.meta.url));
const MAPS = 4_000;
const CONCURRENCY = 20;

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/** Starts the child; kills it with SIGKILL after `killAfterMs`, or lets it finish. Resolves with how it ended. */
const runChild = async (journal: string, log: string, killAfterMs?: number) =>
  (await runKillable([child, journal, log], killAfterMs === undefined ? {} : { killAfterMs })).ended;

describe('resumable runs', () => {
  it('survive SIGKILL at random points: every invocation ends once, re-running at most what was in flight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'falco-resume-'));
    const journal = join(dir, 'run.jsonl');
    const log = join(dir, 'executions.log');
    try {
      let kills = 0;
      let inFlightAtKills = 0;
      for (let round = 0; kills < 10 && round < 40; round++) {
        const ended = await runChild(journal, log, 150 + Math.floor(Math.random() * 400));
        if (ended === 'done') break;
        kills++;
        // In flight at the kill: executed by the function, but no final record kept. The journal writes once
        // per turn of the event loop, so besides the calls running, those that ended in the last turn may be unwritten.
        const kept = new Set((await new FileJournal(journal).load()).keys());
        const executedNotKept = new Set(lines(log).filter((key) => !kept.has(journalKey(...(key.split('/') as [string, string])))));
        assert.ok(executedNotKept.size <= 2 * CONCURRENCY, `${executedNotKept.size} executed but unrecorded at a kill`);
        inFlightAtKills += executedNotKept.size;
      }
      assert.ok(kills >= 10, `killed ${kills} times before the run could finish`);
      assert.equal(await runChild(journal, log), 'done');

      const records = lines(journal).map((line) => JSON.parse(line) as Invocation);
      const keys = records.map((r) => journalKey(r.phase, r.id));
      assert.equal(new Set(keys).size, keys.length, 'exactly one final record per invocation');
      assert.equal(records.length, MAPS + MAPS / 4);
      assert.ok(records.every((r) => r.status === 'succeeded'));
      const byKey = new Map(records.map((r) => [journalKey(r.phase, r.id), r]));
      for (let r = 0; r < MAPS / 4; r++) {
        const expected = [0, 1, 2, 3].map((i) => (r * 4 + i) ** 2).reduce((a, b) => a + b, 0);
        assert.deepEqual(byKey.get(journalKey('reduce', `r${r}`))!.output, { sum: expected });
      }
      const executions = new Map<string, number>();
      for (const key of lines(log)) executions.set(key, (executions.get(key) ?? 0) + 1);
      assert.equal(executions.size, MAPS + MAPS / 4, 'every invocation executed');
      const reExecuted = [...executions.values()].reduce((sum, n) => sum + n - 1, 0);
      assert.ok(reExecuted <= inFlightAtKills, `${reExecuted} re-executed, ${inFlightAtKills} in flight at the kills`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cuts a torn last line and refuses a damaged earlier one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'falco-journal-'));
    try {
      const path = join(dir, 'j.jsonl');
      const journal = new FileJournal(path);
      journal.append({ id: 'a', phase: 'p', input: 1, status: 'succeeded', output: 2, attempts: [], deployableDigest: 'sha256:0' });
      await journal.close();
      const { appendFileSync, writeFileSync } = await import('node:fs');
      appendFileSync(path, '{"id":"b","pha');
      assert.deepEqual([...(await new FileJournal(path).load()).keys()], [journalKey('p', 'a')]);
      assert.equal(readFileSync(path, 'utf8').endsWith('}\n'), true, 'the torn line is cut off');
      writeFileSync(path, 'garbage\n{"id":"a","phase":"p","input":1,"status":"succeeded","attempts":[]}\n');
      await assert.rejects(new FileJournal(path).load(), /damaged line 1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
