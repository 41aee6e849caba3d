import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { v2 } from '@google-cloud/functions';
import { DeploymentError, FatalError, TransientError, type FalcoError } from '../../../src/index.js';
import { apiError, isNotFound } from '../../../platforms/gcf/errors.js';
import { encodeEnums } from '../../doubles/gcf/enums.js';
import { apiClient, startTestbed, uploadSource, type GcfTestbed } from './setup.js';

/**
 * The double's error answers, read by the real REST client, and the adapter's reading of them:
 * over REST the client throws its HTTP library's error, with Google's error body as the message.
 */
describe('gcf: API errors as the real client sees them', { timeout: 120_000 }, () => {
  let bed: GcfTestbed;
  let client: v2.FunctionServiceClient;
  let parent: string;

  before(async () => {
    bed = await startTestbed();
    client = apiClient(bed);
    parent = `projects/${bed.double.project}/locations/us-central1`;
  });
  after(async () => {
    await client.close();
    await bed.double.stop();
  });

  async function refusal(call: Promise<unknown>, status: number): Promise<unknown> {
    const error = await call.then(
      () => assert.fail('expected the call to be refused'),
      (reason: unknown) => reason,
    );
    assert.equal((error as { status?: unknown }).status, status, String(error));
    return error;
  }

  test('404 NOT_FOUND for a function that does not exist', async () => {
    const error = await refusal(client.getFunction({ name: `${parent}/functions/nope` }), 404);
    assert.ok(isNotFound(error));
    const mapped = apiError(error, 'reading', []);
    assert.ok(mapped instanceof FatalError);
    assert.equal(mapped.message, `gcf: reading: Resource '${parent}/functions/nope' was not found`);
    assert.equal(mapped.cause, error);
  });

  test('403 PERMISSION_DENIED for another project, 401 UNAUTHENTICATED without a valid token', async () => {
    const denied = await refusal(client.getFunction({ name: 'projects/other-project/locations/us-central1/functions/f' }), 403);
    assert.ok(apiError(denied, 'reading', []) instanceof FatalError);
    const response = await fetch(`${bed.double.url}/v2/${parent}/functions`, { headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(response.status, 401);
    assert.deepEqual(((await response.json()) as { error: { code: number; status: string } }).error.status, 'UNAUTHENTICATED');
  });

  test('400 INVALID_ARGUMENT for a bad function id: a DeploymentError when creating', async () => {
    const storageSource = await uploadSource(bed, client);
    const function_ = { buildConfig: { runtime: 'nodejs20', entryPoint: 'falcoHandler', source: { storageSource } } };
    const error = await refusal(client.createFunction({ parent, functionId: 'Not_An_Id', function: function_ }), 400);
    const mapped = apiError(error, 'creating', [], DeploymentError);
    assert.ok(mapped instanceof DeploymentError);
    assert.match(mapped.message, /Invalid function id "Not_An_Id"/);
  });

  test('409: ALREADY_EXISTS is fatal; ABORTED (an operation still running) is transient', async () => {
    const storageSource = await uploadSource(bed, client);
    const request = { parent, functionId: 'twice', function: { buildConfig: { runtime: 'nodejs20', entryPoint: 'falcoHandler', source: { storageSource } } } };
    const [operation] = await client.createFunction(request);
    const busy: FalcoError = apiError(await refusal(client.deleteFunction({ name: `${parent}/functions/twice` }), 409), 'deleting', []);
    assert.ok(busy instanceof TransientError, busy.message);
    assert.match(busy.message, /is in progress/);
    await operation.promise();
    const exists = apiError(await refusal(client.createFunction(request), 409), 'creating', [], DeploymentError);
    assert.ok(exists instanceof DeploymentError, exists.message);
    assert.match(exists.message, /already exists/);
    const [deletion] = await client.deleteFunction({ name: `${parent}/functions/twice` });
    await deletion.promise();
    assert.deepEqual(bed.double.functionIds(), []);
  });

  test('enums are written as numbers when the client asks (REST clients do), else as names; maps are left alone', () => {
    const fn = { state: 'ACTIVE', environment: 'GEN_2', labels: { state: 'ACTIVE' }, stages: [{ name: 'BUILD', state: 'COMPLETE' }] };
    assert.deepEqual(encodeEnums(fn, true), { state: 1, environment: 2, labels: { state: 'ACTIVE' }, stages: [{ name: 2, state: 3 }] });
    assert.deepEqual(encodeEnums(fn, false), fn);
  });
});
