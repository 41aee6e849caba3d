import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConcurrentExecutor } from '../../executors/index.js';
import { GcfPlatform } from '../../platforms/gcf/index.js';
import { LambdaPlatform } from '../../platforms/lambda/index.js';
import { LocalPlatform } from '../../platforms/local/index.js';
import { OpenWhiskPlatform } from '../../platforms/openwhisk/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { type Platform } from '../../src/index.js';
import { AimdController, now, type CongestionController } from '../../src/spi.js';
import { startMoto, type Moto } from '../doubles/moto.js';
import { OpenWhiskDouble } from '../doubles/openwhisk/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';
import { startTestbed, type GcfTestbed } from './gcf/setup.js';
import { MotoEnv } from './lambda/moto-env.js';

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
async function defaultController(platform: Platform): Promise<CongestionController> {
  const executor = new ProbeExecutor();
  const { phases } = await new PlanDriver([{ id: 'echo', invocations: inputs(2) }]).run({ platform, executor });
  assert.deepEqual(phases[0]?.counts, { succeeded: 2, failed: 0, aborted: 0 }, `the run on ${platform.name} succeeded`);
  assert.equal(executor.controllers.length, 1);
  return executor.controllers[0]!;
}

/** AIMD: the window grows on successes up to `max` and no further, and a throttle cuts it. */
function assertAimd(controller: CongestionController, max: number): void {
  assert.ok(controller instanceof AimdController, `expected AIMD, got a window of ${controller.concurrency} that is not AIMD`);
  for (let i = 0; i < 2 * max; i++) controller.feedback('success', now());
  assert.equal(controller.concurrency, max);
  controller.feedback('throttled', now());
  assert.ok(controller.concurrency < max, `a throttle cuts the window (${max} → ${controller.concurrency})`);
}

describe("every platform's default pacing, as an executor given no concurrency uses it", { timeout: 180_000 }, () => {
  let moto: Moto;
  let lambda: MotoEnv;
  let openwhisk: OpenWhiskDouble;
  let gcf: GcfTestbed;
  const platforms: Platform[] = [];
  const track = <P extends Platform>(platform: P): P => {
    platforms.push(platform);
    return platform;
  };

  before(async () => {
    [moto, openwhisk, gcf] = await Promise.all([startMoto(), OpenWhiskDouble.start(), startTestbed()]);
    lambda = new MotoEnv(moto);
  });
  after(async () => {
    await Promise.all(platforms.map((platform) => platform.close()));
    await lambda?.close();
    await Promise.all([moto?.stop(), openwhisk?.stop(), gcf?.double.stop()]);
  });

  test('local: a fixed window of its instance cap, which a throttle does not cut', async () => {
    const controller = await defaultController(track(new LocalPlatform({ maxInstances: 3 })));
    assert.equal(controller.concurrency, 3);
    controller.feedback('throttled', now());
    for (let i = 0; i < 10; i++) controller.feedback('success', now());
    assert.equal(controller.concurrency, 3);
  });

  test('simulated: AIMD up to 10,000', async () => {
    assertAimd(await defaultController(track(new SimulatedPlatform())), 10_000);
  });

  test('openwhisk (double): AIMD up to its 64 sockets', async () => {
    assertAimd(await defaultController(track(new OpenWhiskPlatform({ host: openwhisk.url, token: openwhisk.token }))), 64);
  });

  test('lambda (moto): AIMD up to its 1,000 sockets', async () => {
    assertAimd(await defaultController(track(lambda.platform())), 1_000);
  });

  test('gcf (double): AIMD up to its 100 connections per function', async () => {
    assertAimd(await defaultController(track(new GcfPlatform(gcf.options))), 100);
  });

  test('the ceiling follows the sockets the adapter is given', async () => {
    assertAimd(await defaultController(track(lambda.platform({ maxSockets: 8 }))), 8);
    assertAimd(await defaultController(track(new GcfPlatform({ ...gcf.options, maxSockets: 8 }))), 8);
  });
});
