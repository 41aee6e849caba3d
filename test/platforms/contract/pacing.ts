import assert from 'node:assert/strict';
import { ConcurrentExecutor } from '../../../executors/concurrent.js';
import { AimdController } from '../../../src/congestion/aimd.js';
import type { CongestionController } from '../../../src/congestion/controller.js';
import { now } from '../../../src/clock.js';
import type { Platform } from '../../../src/platform.js';
import { inputs, PlanDriver } from '../../helpers/drivers.js';
import { echoFunction } from './subject.js';

/** The ConcurrentExecutor as users get it (no concurrency, no congestion), keeping the controller each phase ran with. */
class ProbeExecutor extends ConcurrentExecutor {
  readonly controllers: CongestionController[] = [];

  protected override congestion(platform: Platform): CongestionController {
    const controller = super.congestion(platform);
    this.controllers.push(controller);
    return controller;
  }
}

/** Runs one phase of two echo calls on `platform` with default pacing; the controller the executor paced them with. */
export async function defaultController(platform: Platform): Promise<CongestionController> {
  const executor = new ProbeExecutor();
  const { phases } = await new PlanDriver([{ id: 'echo', deployable: echoFunction(), invocations: inputs(2) }]).run({ platform, executor });
  assert.deepEqual(phases[0]?.counts, { succeeded: 2, failed: 0, aborted: 0 }, `the run on ${platform.name} succeeded`);
  assert.equal(executor.controllers.length, 1);
  return executor.controllers[0]!;
}

/** AIMD: the window grows on successes up to `max` and no further, and a throttle cuts it. */
export function assertAimd(controller: CongestionController, max: number): void {
  assert.ok(controller instanceof AimdController, `expected AIMD, got a window of ${controller.concurrency} that is not AIMD`);
  for (let i = 0; i < 2 * max; i++) controller.feedback('success', now());
  assert.equal(controller.concurrency, max);
  controller.feedback('throttled', now());
  assert.ok(controller.concurrency < max, `a throttle cuts the window (${max} → ${controller.concurrency})`);
}

/** A fixed window: a throttle does not cut it and successes do not grow it. */
export function assertFixed(controller: CongestionController, concurrency: number): void {
  assert.equal(controller.concurrency, concurrency);
  controller.feedback('throttled', now());
  for (let i = 0; i < 10; i++) controller.feedback('success', now());
  assert.equal(controller.concurrency, concurrency, 'a fixed window neither shrinks nor grows');
}
