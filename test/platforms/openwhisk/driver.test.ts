import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConcurrentExecutor } from '../../../executors/index.js';
import { AbortedError, deployable, FatalError, outputsOf } from '../../../src/index.js';
import { inputs, PlanDriver } from '../../helpers/drivers.js';
import { PYTHON_DOUBLE, withDouble, within } from './helpers.js';

const python = deployable({ runtime: 'python:3', code: { source: PYTHON_DOUBLE }, name: 'double' });

describe('OpenWhiskPlatform in a run', () => {
  it('deploys, runs a phase concurrently with platform timings on every attempt, and removes the action', async () => {
    await withDouble(
      async (double, platform) => {
        const driver = new PlanDriver([{ id: 'map', invocations: inputs(12) }], python);
        const result = await within(60_000, driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 4 }) }));
        const phase = result.phases[0]!;
        assert.deepEqual(outputsOf(phase), Array.from({ length: 12 }, (_, n) => ({ doubled: 2 * n })));
        for (const { attempts } of phase.invocations) {
          assert.equal(attempts.length, 1);
          assert.ok(double.activations.has(attempts[0]!.activationId!));
          assert.equal(typeof attempts[0]!.durationMs, 'number');
        }
        assert.equal(double.actions.size, 0, 'the run removed its action');
        assert.ok(double.invokeConnections <= 4, `one keep-alive socket per call in flight (got ${double.invokeConnections})`);
      },
      { platform: { concurrency: 4 } },
    );
  });

  it('removes the action after a run that failed with a fatal error', async () => {
    await withDouble(async (double, platform) => {
      const broken = deployable({ runtime: 'nodejs:20', code: { source: 'function main( {' }, name: 'broken' });
      const driver = new PlanDriver([{ id: 'map', invocations: inputs(3) }], broken);
      await assert.rejects(within(60_000, driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 2 }) })), FatalError);
      assert.equal(double.requests.filter((r) => r.method === 'PUT').length, 1);
      assert.equal(double.actions.size, 0);
    });
  });

  it('removes the action after an aborted run', async () => {
    await withDouble(async (double, platform) => {
      const slow = deployable({
        runtime: 'nodejs:20',
        code: { source: 'async function main(a) { await new Promise((r) => setTimeout(r, 200)); return a; }' },
        name: 'slow',
      });
      const driver = new PlanDriver([{ id: 'map', invocations: inputs(20) }], slow);
      const controller = new AbortController();
      driver.events.on('invocation:end', () => controller.abort(new Error('stop')));
      await assert.rejects(
        within(60_000, driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 2 }), signal: controller.signal })),
        AbortedError,
      );
      assert.equal(double.actions.size, 0);
    });
  });

  it('runs the example end to end with just --host and --token', async () => {
    await withDouble(async (double) => {
      const example = fileURLToPath(new URL('../../../example/example.js', import.meta.url));
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [example, '--host', double.url, '--token', double.token, '--executor', 'concurrent', '--concurrency', '2', '--invocations', '3'],
        { timeout: 60_000 },
      );
      assert.deepEqual(stdout.trim().split('\n').sort(), [0, 1, 2].map((i) => `hello-${i}: {"greeting":"Hello world ${i}!"}`));
      assert.equal(double.activations.size, 3);
      assert.equal(double.actions.size, 0);
      assert.ok(!stdout.includes(double.token));
    });
  });
});
