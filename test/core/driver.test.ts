import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConcurrentExecutor, SequentialExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { AbortedError, FatalError, outputsOf, type PhaseContext } from '../../src/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';
import { ScriptedPlatform } from '../helpers/scripted-platform.js';

describe('Driver', () => {
  it('builds a phase from the outputs of the phase before (map, then reduce)', async () => {
    const platform = new SimulatedPlatform({
      handler: (input) => {
        const { n, values } = input as { n?: number; values?: number[] };
        return values ? { sum: values.reduce((a, b) => a + b, 0) } : { square: n! * n! };
      },
    });
    const driver = new PlanDriver([
      { id: 'map', invocations: inputs(100) },
      {
        id: 'reduce',
        invocations: ({ previous }: PhaseContext<{ square: number }>) => [{ input: { values: outputsOf(previous!).map((o) => o.square) } }],
      },
    ]);
    const result = await driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 10 }) });
    assert.equal(result.phases.length, 2);
    const expected = Array.from({ length: 100 }, (_, n) => n * n).reduce((a, b) => a + b, 0);
    assert.deepEqual(result.phases[1]!.invocations[0]!.output, { sum: expected });
    assert.equal(result.phases[1]!.invocations[0]!.id, 'reduce-0');
  });

  it('deploys once per deployable and removes everything after the run', async () => {
    const platform = new ScriptedPlatform();
    const driver = new PlanDriver([
      { id: 'a', invocations: inputs(2) },
      { id: 'b', invocations: inputs(2) },
    ]);
    const deployed: string[] = [];
    driver.events.on('deploy', ({ deployment }) => deployed.push(deployment.name));
    await driver.run({ platform, executor: new SequentialExecutor() });
    assert.equal(new Set(deployed).size, 1);
    assert.deepEqual(platform.removed, [deployed[0]]);
  });

  it('stops a phase on abort, ends every invocation, and still removes deployments', async () => {
    const platform = new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 20 } });
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(500) }, { id: 'never', invocations: inputs(5) }]);
    const controller = new AbortController();
    let ended = 0;
    driver.events.on('invocation:end', () => {
      if (++ended === 50) controller.abort(new Error('user pressed ctrl-c'));
    });
    let deployment = '';
    driver.events.on('deploy', ({ deployment: d }) => (deployment = d.name));
    await assert.rejects(
      driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 10 }), signal: controller.signal }),
      AbortedError,
    );
    const records = driver.results[0]!.invocations;
    assert.equal(driver.results.length, 1, 'no phase starts after an abort');
    assert.ok(records.every((r) => r.status !== 'pending'));
    const aborted = records.filter((r) => r.status === 'aborted');
    assert.ok(aborted.length > 400, `${aborted.length} aborted`);
    assert.match(aborted.at(-1)!.error!.message, /user pressed ctrl-c/);
    assert.equal(ended, 500, 'every invocation ends exactly once');
    assert.equal(await platform.fetchDeployment(deployment), undefined, 'deployment removed');
  });

  it('stops the phase at the first fatal error instead of failing every call', async () => {
    const platform = new ScriptedPlatform((id) => ({
      failures: id === 'i2' ? [() => new FatalError('credentials rejected (401): check the token')] : [],
      delayMs: 1,
    }));
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(200) }]);
    await assert.rejects(driver.run({ platform, executor: new SequentialExecutor() }), /phase "main" stopped: credentials rejected/);
    const records = driver.results[0]!.invocations;
    assert.equal(records[2]!.error?.class, 'fatal');
    assert.equal(records[2]!.attempts.length, 1, 'fatal errors are not retried');
    assert.equal(records.slice(3).filter((r) => r.status === 'aborted').length, 197);
    assert.match(records[3]!.error!.message, /stopped after a fatal error in invocation "i2"/);
    assert.equal(platform.calls.length, 3);
    assert.equal(platform.removed.length, 1);
  });

  it('removes deployments when executing throws', async () => {
    const platform = new ScriptedPlatform();
    const driver = new PlanDriver([{ id: 'main', invocations: () => { throw new Error('cannot list the input bucket'); } }]);
    await assert.rejects(driver.run({ platform, executor: new SequentialExecutor() }), /cannot list the input bucket/);
    assert.equal(platform.removed.length, 1);
  });

  it('emits phase and invocation events that add up', async () => {
    const platform = new SimulatedPlatform({ seed: 11, transientErrorRate: 0.2, latency: { distribution: 'fixed', ms: 0 } });
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(300) }]);
    const counts = { start: 0, attempt: 0, retry: 0, end: 0, phaseStart: 0, phaseEnd: 0 };
    driver.events.on('invocation:start', () => counts.start++);
    driver.events.on('invocation:attempt', () => counts.attempt++);
    driver.events.on('invocation:retry', () => counts.retry++);
    driver.events.on('invocation:end', () => counts.end++);
    driver.events.on('phase:start', () => counts.phaseStart++);
    driver.events.on('phase:end', () => counts.phaseEnd++);
    const result = await driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 30, retry: { minDelayMs: 0, maxAttempts: 10 } }) });
    const attempts = result.phases[0]!.invocations.reduce((n, r) => n + r.attempts.length, 0);
    assert.deepEqual(counts, { start: 300, attempt: attempts, retry: attempts - 300, end: 300, phaseStart: 1, phaseEnd: 1 });
    assert.ok(attempts > 300);
  });

  it('leaves nothing behind that keeps the process alive once a run has ended', async () => {
    const script = fileURLToPath(new URL('../fixtures/exit-after-run.js', import.meta.url));
    // Attempt deadlines are the function's timeout plus 10 s: a timer left behind would hold the process that long.
    const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 60_000 });
    assert.deepEqual(JSON.parse(stdout), [], 'resources still active once the runs ended');
  });
});
