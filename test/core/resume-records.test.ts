import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SequentialExecutor } from '../../executors/index.js';
import { deployable, FileJournal, FunctionError, type DeployableOptions, type Invocation } from '../../src/index.js';
import { formatSummary, RunStats } from '../../src/observe/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';
import { ScriptedPlatform } from '../helpers/scripted-platform.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

const failing = (ids: string[]) => new ScriptedPlatform((id) => ({ failures: ids.includes(id) ? [() => new FunctionError(`${id} threw`)] : [] }));
const executor = new SequentialExecutor();

describe('resuming from a journal', () => {
  const dir = suiteTempDir('falco-resume-records-');
  let runs = 0;
  const journalPath = (): string => join(dir(), `run-${runs++}.jsonl`);

  it('runs again what failed (function errors too), reusing only what succeeded', async () => {
    const path = journalPath();
    const first = await new PlanDriver([{ id: 'main', invocations: inputs(8) }]).run({ platform: failing(['i1', 'i5']), executor, journal: new FileJournal(path) });
    assert.equal(first.phases[0]!.counts.failed, 2);
    const platform = new ScriptedPlatform();
    const second = await new PlanDriver([{ id: 'main', invocations: inputs(8) }]).run({ platform, executor, journal: new FileJournal(path) });
    assert.deepEqual(platform.calls.map((c) => c.id), ['i1', 'i5']);
    assert.deepEqual(second.phases[0]!.counts, { succeeded: 8, failed: 0, aborted: 0 });
    assert.equal(second.phases[0]!.restored, 6);
  });

  it('keeps the failures with resume: { retryFailed: false }, and counts every restored record in the run', async () => {
    const path = journalPath();
    await new PlanDriver([{ id: 'main', invocations: inputs(8) }]).run({ platform: failing(['i1', 'i5']), executor, journal: new FileJournal(path), runId: 'kept' });
    const platform = new ScriptedPlatform();
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(8) }]);
    const stats = new RunStats();
    stats.attach(driver.events);
    const restored: Invocation[] = [];
    driver.events.on('invocation:restored', ({ invocation }) => restored.push(invocation));
    const result = await driver.run({ platform, executor, journal: new FileJournal(path), runId: 'kept', resume: { retryFailed: false } });
    assert.equal(platform.calls.length, 0, 'nothing ran');
    assert.deepEqual(result.phases[0]!.counts, { succeeded: 6, failed: 2, aborted: 0 });
    assert.deepEqual(restored.map((r) => r.id), inputs(8).map((r) => r.id));
    assert.equal(restored[1]!.error?.message, 'i1 threw');
    const summary = stats.summary();
    assert.deepEqual(summary.runIds, ['kept']);
    assert.equal(summary.phases.length, 1);
    assert.equal(summary.phases[0]!.deployment, result.phases[0]!.deployment);
    assert.deepEqual(
      { invocations: summary.total.invocations, succeeded: summary.total.succeeded, failed: summary.total.failed, restored: summary.total.restored, attempts: summary.total.attempts },
      { invocations: 8, succeeded: 6, failed: 2, restored: 8, attempts: 0 },
    );
    assert.deepEqual(summary.total.errors, { function: 2 });
    const text = formatSummary(summary);
    assert.match(text, /^run kept: 1 phase$/m);
    assert.match(text, /restored from the journal, not run again: 8/);
  });

  it('runs a changed function again: code, file and directory contents, runtime, entry point and params', async () => {
    const code = join(dir(), 'code');
    mkdirSync(join(code, 'lib'), { recursive: true });
    writeFileSync(join(code, 'index.js'), 'exports.main = (a) => a;');
    writeFileSync(join(code, 'lib', 'util.js'), 'exports.x = 1;');
    writeFileSync(join(dir(), 'fn.js'), 'exports.main = (a) => a;');
    const base: DeployableOptions = { runtime: 'nodejs:20', name: 'echo', code: { source: 'function main(a) { return a; }' } };
    const fileCode: DeployableOptions = { ...base, code: { file: join(dir(), 'fn.js') } };
    const dirCode: DeployableOptions = { ...base, code: { dir: code } };
    const cases: { what: string; before: DeployableOptions; after?: DeployableOptions; change?: () => void }[] = [
      { what: 'source', before: base, after: { ...base, code: { source: 'function main(a) { return { ...a, v: 2 }; }' } } },
      { what: 'runtime', before: base, after: { ...base, runtime: 'nodejs:22' } },
      { what: 'entry point', before: base, after: { ...base, entryPoint: 'other' } },
      { what: 'params', before: base, after: { ...base, params: { scale: 2 } } },
      { what: 'file contents', before: fileCode, change: () => appendFileSync(join(dir(), 'fn.js'), '\n// v2') },
      { what: 'a file deep in a directory', before: dirCode, change: () => appendFileSync(join(code, 'lib', 'util.js'), '\nexports.y = 2;') },
    ];
    for (const { what, before, after = before, change } of cases) {
      const path = journalPath();
      const callsWith = async (options: DeployableOptions): Promise<number> => {
        const platform = new ScriptedPlatform();
        await new PlanDriver([{ id: 'main', invocations: inputs(3) }], deployable(options)).run({ platform, executor, journal: new FileJournal(path) });
        return platform.calls.length;
      };
      assert.equal(await callsWith(before), 3, what);
      assert.equal(await callsWith(before), 0, `${what}: the same function is restored`);
      change?.();
      assert.equal(await callsWith(after), 3, `${what}: a changed function runs again`);
    }
  });

  it('never reuses journal lines that do not say which function wrote them (an older journal)', async () => {
    const path = journalPath();
    const old = inputs(3).map(({ id, input }) => JSON.stringify({ id, phase: 'main', input, status: 'succeeded', output: { stale: true }, attempts: [] }));
    writeFileSync(path, `${old.join('\n')}\n`);
    const platform = new ScriptedPlatform();
    const result = await new PlanDriver([{ id: 'main', invocations: inputs(3) }]).run({ platform, executor, journal: new FileJournal(path) });
    assert.equal(platform.calls.length, 3);
    assert.ok(result.phases[0]!.invocations.every((r) => !(r.output as { stale?: boolean }).stale));
  });
});
