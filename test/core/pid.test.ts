import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform, type SimulatedPlatformOptions } from '../../platforms/simulated/index.js';
import { ConfigError, deployable, type FalcoError } from '../../src/index.js';
import { PidController, type CongestionController } from '../../src/spi.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

const TARGET = 1_000;
const pidSettings = { targetPerSecond: TARGET, kp: 0.5, ki: 1, kd: 0, intervalMs: 200, maxConcurrency: 1_000 };
const code = deployable({ runtime: 'nodejs:20', code: { source: 'x' } });

/**
 * Sends `seconds` of simulated time worth of calls through `controller` (never more than 2,000
 * waiting), with the latency changed to `laterMs` half-way; counts successes per simulated second.
 */
async function drive(make: (clock: VirtualClock) => CongestionController, options: SimulatedPlatformOptions, laterMs: number, seconds = 12) {
  const clock = new VirtualClock();
  const platform = new SimulatedPlatform({ ...options, clock });
  const deployment = await platform.deploy(code);
  const controller = make(clock);
  const perSecond = new Array<number>(seconds).fill(0);
  let sent = 0;
  let throttled = 0;
  let open = 0;
  let changed = false;
  let wake: (() => void) | undefined;
  const one = async (n: number): Promise<void> => {
    let sentAt = 0;
    try {
      await controller.run(() => {
        sentAt = clock.now();
        sent++;
        return platform.invoke(deployment, n, { invocationId: `c${n}`, attempt: 1 });
      });
      controller.feedback('success', sentAt);
      perSecond[Math.floor(clock.now() / 1000)]!++;
    } catch (error) {
      const errorClass = (error as FalcoError).errorClass;
      if (errorClass === 'throttled') throttled++;
      controller.feedback(errorClass, sentAt);
    }
  };
  for (let n = 0; clock.now() < seconds * 1000; n++) {
    if (!changed && clock.now() >= (seconds / 2) * 1000) {
      platform.setLatency({ distribution: 'fixed', ms: laterMs });
      changed = true;
    }
    while (open >= 2_000) await new Promise<void>((resolve) => (wake = resolve));
    open++;
    void one(n).then(() => {
      open--;
      wake?.();
    });
    if (n % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  return { perSecond: perSecond.slice(0, seconds - 1), sent, throttled };
}

describe('PID congestion control toward a target rate', () => {
  it('holds the target within 10% under a hidden cap while latency doubles, with no throttling storm', async () => {
    const { perSecond, sent, throttled } = await drive((clock) => new PidController(pidSettings, clock), { latency: { distribution: 'fixed', ms: 20 }, concurrencyCap: 60 }, 40);
    for (const [second, count] of perSecond.entries()) {
      if (second === 0) continue;
      assert.ok(Math.abs(count - TARGET) <= TARGET * 0.1, `second ${second}: ${count} successes, target ${TARGET} (${perSecond.join(', ')})`);
    }
    assert.ok(throttled <= sent * 0.01, `${throttled} of ${sent} calls throttled`);
  });

  it('sends more when calls fail, so the successes still hold the target (a plain rate limit at the target would carry 80% of it)', async () => {
    const failing: SimulatedPlatformOptions = { latency: { distribution: 'fixed', ms: 20 }, concurrencyCap: 200, transientErrorRate: 0.2 };
    const pid = await drive((clock) => new PidController(pidSettings, clock), failing, 40);
    const steady = pid.perSecond.slice(2, 6).concat(pid.perSecond.slice(8));
    for (const count of steady) assert.ok(Math.abs(count - TARGET) <= TARGET * 0.1, `${count} successes a second, target ${TARGET} (${pid.perSecond.join(', ')})`);
    assert.ok(pid.sent > 1.15 * TARGET * 11, `${pid.sent} calls sent for ${TARGET * 11} successes`);
  });

  it('finds the cap when the target is more than the platform can carry, throttling a few calls, not a storm', async () => {
    // At 80 ms and a cap of 60 calls, the platform carries 750 calls a second: less than the target.
    const { perSecond, sent, throttled } = await drive((clock) => new PidController(pidSettings, clock), { latency: { distribution: 'fixed', ms: 20 }, concurrencyCap: 60 }, 80);
    const late = perSecond.slice(8);
    for (const count of late) assert.ok(count >= 750 * 0.85 && count <= 750, `${count} successes a second at a capacity of 750 (${perSecond.join(', ')})`);
    assert.ok(throttled <= sent * 0.05, `${throttled} of ${sent} calls throttled`);
  });

  it('is chosen with congestion: { kind: "pid", targetPerSecond } and checked', async () => {
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(200) }], code);
    const result = await driver.run({
      platform: new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 1 } }),
      executor: new ConcurrentExecutor({ congestion: { kind: 'pid', targetPerSecond: 2_000 } }),
    });
    assert.equal(result.phases[0]!.counts.succeeded, 200);
    assert.throws(
      () => new ConcurrentExecutor({ congestion: { kind: 'pid', targetPerSecond: 0 } }),
      (e) => e instanceof ConfigError && /targetPerSecond.*must be more than 0 calls a second/.test(e.message),
    );
  });
});
