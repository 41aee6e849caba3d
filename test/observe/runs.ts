import assert from 'node:assert/strict';
import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform, type SimulatedPlatformOptions } from '../../platforms/simulated/index.js';
import { outputsOf, type Driver, type Invocation, type RunResult } from '../../src/index.js';
import { RunStats } from '../../src/observe/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';

/** A realistic, seeded run: lognormal latencies, cold starts, transient and function errors, retries. */
export const FAULTY: SimulatedPlatformOptions = {
  seed: 7,
  latency: { distribution: 'lognormal', medianMs: 12, sigma: 0.5 },
  coldStartMs: 15,
  transientErrorRate: 0.08,
  functionErrorRate: 0.03,
  stragglerRate: 0.02,
  stragglerFactor: 6,
};

/** Two phases, map then reduce, on the simulated platform; `watch` attaches observers before the run. */
export async function simulatedRun(
  watch: (driver: Driver) => void,
  { invocations = 200, concurrency = 16, platform = FAULTY, runId = 'test-run' }: { invocations?: number; concurrency?: number; platform?: SimulatedPlatformOptions; runId?: string } = {},
): Promise<{ driver: Driver; result: RunResult; records: Invocation[] }> {
  const driver = new PlanDriver([
    { id: 'map', invocations: inputs(invocations) },
    // It counts what succeeded, so it runs also after the seeded function errors.
    { id: 'reduce', continueOnFailure: true, invocations: ({ previous }) => [{ id: 'sum', input: { values: outputsOf(previous!).length } }] },
  ]);
  watch(driver);
  const simulated = new SimulatedPlatform(platform);
  const result = await driver.run({
    platform: simulated,
    executor: new ConcurrentExecutor({ concurrency, retry: { minDelayMs: 5, maxDelayMs: 20 } }),
    runId,
  });
  await simulated.close();
  return { driver, result, records: result.phases.flatMap((phase) => phase.invocations) };
}

/**
 * A run that fails in its second phase (its invocations cannot be built) and so never starts the
 * third: map, reduce, publish, on the simulated platform, watched by a RunStats attached before.
 */
export async function runFailingAtReduce(
  mapInvocations: number,
  platform: SimulatedPlatformOptions,
): Promise<{ stats: RunStats; records: Invocation[] }> {
  const driver = new PlanDriver([
    { id: 'map', invocations: inputs(mapInvocations) },
    { id: 'reduce', continueOnFailure: true, invocations: () => { throw new Error('nothing to reduce'); } },
    { id: 'publish', invocations: inputs(1) },
  ]);
  const stats = new RunStats();
  stats.attach(driver.events);
  const simulated = new SimulatedPlatform(platform);
  await assert.rejects(driver.run({ platform: simulated, executor: new ConcurrentExecutor({ concurrency: 8 }), runId: 'doomed' }), /nothing to reduce/);
  await simulated.close();
  return { stats, records: driver.results.flatMap((phase) => phase.invocations) };
}
