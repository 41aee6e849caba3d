import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AsyncExecutor } from '../../executors/async.js';
import { cleanupPlatform } from '../../platforms/index.js';
import { AbortedError, DeploymentError, FatalError, FunctionError, ThrottledError, TimeoutError, TransientError } from '../../src/errors.js';
import type { Deployment, Platform } from '../../src/platform.js';
import { inputs, PlanDriver } from '../helpers/drivers.js';
import { gcf } from './contract/gcf.js';
import { lambda } from './contract/lambda.js';
import { local } from './contract/local.js';
import { openwhisk } from './contract/openwhisk.js';
import { assertAimd, assertFixed, defaultController } from './contract/pacing.js';
import { simulated } from './contract/simulated.js';
import { BROKEN, call, echoFunction, type ContractItem, type ContractSubject, type Harness } from './contract/subject.js';

process.env.METADATA_SERVER_DETECTION = 'none';

const SUBJECTS: readonly ContractSubject[] = [local, simulated, openwhisk, lambda, gcf];

/** The error a promise rejects with; fails the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => assert.fail(`expected a failure, got ${JSON.stringify(value)}`),
    (reason: unknown) => reason,
  );
}

function contract(subject: ContractSubject): void {
  describe(`the platform contract: ${subject.name}`, { timeout: 180_000 }, () => {
    let harness: Harness;
    let echo: Deployment;
    const platform = (): Platform => harness.platform;
    /** An item the adapter cannot do is skipped with its reason, so the report shows it. */
    const item = (name: ContractItem, title: string, test: () => Promise<void>): void => {
      const reason = subject.cannot[name];
      it(title, reason === undefined ? {} : { skip: reason }, test);
    };

    before(async () => {
      harness = await subject.start();
      echo = await platform().deploy(echoFunction());
    });
    after(async () => {
      await harness?.stop();
    });

    it('deploys a function that fetchDeployment finds again, and invokes it: the input is the output', async () => {
      assert.equal(echo.platform, subject.name);
      assert.match(echo.name, /^falco-contract-/);
      assert.deepEqual(await platform().fetchDeployment(echo.name), echo);
      const result = await platform().invoke(echo, { n: 3 }, call('echo'));
      assert.deepEqual(result.output, { n: 3 });
    });

    item('functionError', "reports a function that throws as a FunctionError with the function's message", async () => {
      const error = await failure(platform().invoke(echo, { fail: 'the function gave up' }, call('fails')));
      assert.ok(error instanceof FunctionError, String(error));
      assert.match(error.message, /the function gave up/);
    });

    item('timeout', 'reports a call past its time limit as a TimeoutError', async () => {
      const { deployable, input } = harness.timeout!;
      const slow = await platform().deploy(deployable);
      try {
        const error = await failure(platform().invoke(slow, input, call('slow')));
        assert.ok(error instanceof TimeoutError, String(error));
      } finally {
        await platform().remove(slow);
      }
    });

    item('throttled', 'reports a refusal for load as a ThrottledError', async () => {
      const { release } = await harness.throttleNext!(echo);
      try {
        const error = await failure(platform().invoke(echo, { n: 1 }, call('throttled')));
        assert.ok(error instanceof ThrottledError, String(error));
      } finally {
        await release();
      }
    });

    item('deploymentError', 'reports code that cannot load as a DeploymentError, at deploy or at its first call', async () => {
      const error = await failure(platform().deploy(BROKEN).then(async (broken) => {
        try {
          return await platform().invoke(broken, {}, call('broken'));
        } finally {
          await platform().remove(broken);
        }
      }));
      assert.ok(error instanceof DeploymentError, String(error));
    });

    item('droppedConnection', 'reports a dropped connection as a TransientError, and the next call succeeds', async () => {
      harness.dropNext!(echo);
      const error = await failure(platform().invoke(echo, { n: 1 }, call('dropped')));
      assert.ok(error instanceof TransientError, String(error));
      assert.deepEqual((await platform().invoke(echo, { n: 2 }, call('after-drop'))).output, { n: 2 });
    });

    item('submitPoll', 'submits without blocking and polls the result: the async executor runs a phase', async () => {
      assert.ok(platform().submit && platform().poll, `${subject.name} says it has submit and poll`);
      const { phases } = await new PlanDriver([{ id: 'async', deployable: echoFunction(), invocations: inputs(3) }]).run({
        platform: platform(),
        executor: new AsyncExecutor({ pollIntervalMs: 10 }),
      });
      assert.deepEqual(phases[0]!.invocations.map((record) => record.output), inputs(3).map(({ input }) => input));
    });

    it('has submit and poll exactly when it does not say it cannot', () => {
      assert.equal(platform().submit !== undefined && platform().poll !== undefined, subject.cannot.submitPoll === undefined);
    });

    item('abort', 'ends a call mid-way with AbortedError when its signal aborts, and serves the next call', async () => {
      const controller = new AbortController();
      const running = platform().invoke(echo, { sleepMs: 60_000 }, call('aborted', controller.signal));
      setImmediate(() => controller.abort(new Error('the caller gave up')));
      const error = await failure(running);
      assert.ok(error instanceof AbortedError, String(error));
      assert.deepEqual((await platform().invoke(echo, { n: 4 }, call('after-abort'))).output, { n: 4 });
    });

    it('removes a function: fetchDeployment finds none, and a second remove is fine', async () => {
      const doomed = await platform().deploy(echoFunction({ name: 'contract-doomed' }));
      await platform().remove(doomed);
      assert.equal(await platform().fetchDeployment(doomed.name), undefined);
      await platform().remove(doomed);
    });

    item('callAfterRemove', 'refuses a call to a removed function with a fatal error', async () => {
      const doomed = await platform().deploy(echoFunction({ name: 'contract-gone' }));
      await platform().remove(doomed);
      const error = await failure(platform().invoke(doomed, { n: 1 }, call('removed')));
      assert.ok(error instanceof FatalError && !(error instanceof DeploymentError), String(error));
    });

    item('cleanup', "cleanupPlatform finds a function left behind by falco's prefix and removes it", async () => {
      const left = await platform().deploy(echoFunction({ name: 'contract-left' }));
      const { removed, failed } = await cleanupPlatform(subject.name, harness.cleanupOptions);
      assert.deepEqual(failed, []);
      assert.ok(removed.includes(left.name), `${left.name} in ${JSON.stringify(removed)}`);
      assert.equal(await platform().fetchDeployment(left.name), undefined);
      echo = await platform().deploy(echoFunction());
    });

    it(`paces an executor given no concurrency as ${JSON.stringify(subject.congestion)}`, async () => {
      const controller = await defaultController(platform());
      const expected = subject.congestion;
      if (expected.kind === 'fixed') assertFixed(controller, expected.concurrency);
      else assertAimd(controller, expected.max);
    });
  });
}

for (const subject of SUBJECTS) contract(subject);
