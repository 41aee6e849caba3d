import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, deployable, DeploymentError, FalcoError, FatalError, ThrottledError, TransientError, type Deployable } from '../../../src/index.js';
import { GcfPlatform } from '../../../platforms/gcf/index.js';
import { startTestbed, type GcfTestbed } from './setup.js';

const ok = deployable({ runtime: 'nodejs:20', code: { source: 'function main() { return {}; }' }, name: 'ok' });

describe('gcf: failed and aborted deployments', { timeout: 120_000 }, () => {
  let bed: GcfTestbed;

  before(async () => {
    bed = await startTestbed();
  });
  after(async () => {
    await bed.double.stop();
  });

  /** Deploys with a platform of its own, closed afterwards so its background cleanup has run. */
  async function deployFailure(code: Deployable, signal?: AbortSignal): Promise<FalcoError> {
    const platform = new GcfPlatform(bed.options);
    try {
      const error = await platform.deploy(code, signal ? { signal } : {}).then(
        () => assert.fail('expected the deployment to fail'),
        (reason: unknown) => reason,
      );
      assert.ok(error instanceof FalcoError, String(error));
      return error;
    } finally {
      await platform.close();
    }
  }

  test('code the instance cannot load fails the operation: DeploymentError, and the function is removed', async () => {
    const broken = deployable({ runtime: 'nodejs:20', code: { source: 'function main( { return 1; }' }, name: 'broken' });
    const error = await deployFailure(broken);
    assert.ok(error instanceof DeploymentError);
    assert.match(error.message, /deploying function "falco-broken-[0-9a-f]{8}": Could not create or update Cloud Run service/);
    assert.match(error.message, /syntax error in .*index\.js/);
    assert.deepEqual(bed.double.functionIds(), []);
  });

  test('API refusals keep their class: 429 throttled, 503 transient, 400 a DeploymentError, 403 fatal', async () => {
    const cases: [RegExp, number, (error: FalcoError) => boolean][] = [
      [/^POST .*\/functions$/, 429, (error) => error instanceof ThrottledError],
      [/^POST .*functions:generateUploadUrl$/, 503, (error) => error instanceof TransientError],
      [/^POST .*\/functions$/, 400, (error) => error instanceof DeploymentError],
      [/^POST .*\/functions$/, 403, (error) => error instanceof FatalError && !(error instanceof DeploymentError)],
    ];
    for (const [match, code, expected] of cases) {
      bed.double.failApiCall(match, code, `refused with ${code}`);
      const error = await deployFailure(ok);
      assert.ok(expected(error), `HTTP ${code}: ${error.name}: ${error.message}`);
      assert.match(error.message, new RegExp(`: refused with ${code}$`));
    }
    assert.deepEqual(bed.double.functionIds(), []);
  });

  test('an aborted deployment stops waiting at once, and the function it started is removed', async () => {
    const controller = new AbortController();
    const creates = (): number => bed.double.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/functions')).length;
    const before = creates();
    const failure = deployFailure(ok, controller.signal);
    while (creates() === before) await sleep(10);
    const reason = new AbortedError('run aborted');
    controller.abort(reason);
    assert.equal(await failure, reason);
    assert.deepEqual(bed.double.functionIds(), []);
    assert.equal(bed.double.runningHosts(), 0);
  });
});
