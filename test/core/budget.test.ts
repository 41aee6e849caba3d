import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrentExecutor } from '../../executors/index.js';
import { SimulatedPlatform } from '../../platforms/simulated/index.js';
import { ConfigError, deployable } from '../../src/index.js';
import { formatSummary, observe, PRICE_TABLES } from '../../src/observe/index.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';

const code = deployable({ runtime: 'nodejs:20', code: { source: 'x' }, memoryMB: 1024 });
const lambda = PRICE_TABLES.lambda;
/** One 20 ms call of a 1 GB function at Lambda's prices. */
const perCall = lambda.perRequest + 0.02 * lambda.perGbSecond;

describe('a budget guard', () => {
  it('stops admitting calls before the running estimate passes the budget, ends the rest aborted and says so in the summary', async () => {
    const usd = 0.0002;
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(2_000) }], code);
    const observation = observe(driver, { progress: false, tracing: false, pricing: { as: 'lambda' } });
    const run = await driver.run({
      platform: new SimulatedPlatform({ latency: { distribution: 'fixed', ms: 20 } }),
      executor: new ConcurrentExecutor({ concurrency: 20 }),
      budget: { usd, pricing: { as: 'lambda' } },
    });
    const summary = await observation.close();
    const { counts, invocations } = run.phases[0]!;
    const cost = summary.total.cost!.total;
    assert.ok(cost <= usd, `spent $${cost}, over the budget of $${usd}`);
    assert.ok(cost > usd - 40 * perCall, `spent $${cost}: stopped more than a window of calls short of $${usd}`);
    assert.equal(counts.succeeded + counts.aborted, 2_000);
    assert.equal(counts.succeeded, summary.total.attempts);
    assert.ok(counts.aborted > 1_500, `${counts.aborted} aborted`);
    const aborted = invocations.find((invocation) => invocation.status === 'aborted')!;
    assert.match(aborted.error!.message, /budget of \$0\.0002 would be passed .* raise budget\.usd/);
    assert.deepEqual(aborted.attempts, []);
    assert.match(formatSummary(summary), new RegExp(`stopped by its budget of \\$0\\.0002 in phase "main": ${counts.aborted.toLocaleString('en')} invocations aborted`));
  });

  it('on a platform without prices, asks for them before anything runs', async () => {
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(3) }], code);
    let started = 0;
    driver.events.on('invocation:start', () => started++);
    await assert.rejects(
      driver.run({ platform: new SimulatedPlatform(), executor: new ConcurrentExecutor(), budget: { usd: 1 } }),
      (e) => e instanceof ConfigError && /simulated platform, which has no price table: .*budget\.pricing/.test(e.message),
    );
    assert.equal(started, 0);
  });

  it('rejects a budget that is not a positive amount', async () => {
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(1) }], code);
    await assert.rejects(
      driver.run({ platform: new SimulatedPlatform(), executor: new ConcurrentExecutor(), budget: { usd: 0 } }),
      (e) => e instanceof ConfigError && /budget: option "usd": must be more than 0 dollars/.test(e.message),
    );
  });
});
