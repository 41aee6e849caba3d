import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deployable, FunctionError } from '../../../src/index.js';
import { GcfPlatform, type GcfDeployment } from '../../../platforms/gcf/index.js';
import { startTestbed, type GcfTestbed } from './setup.js';

const ECHO = `
function main(args) {
  if (args.mode === 'throw') throw new TypeError('bad input: ' + args.value);
  if (args.mode === 'return-error') return { error: { message: 'the function says no' } };
  return { args, colour: process.env.FALCO_TEST_COLOUR };
}`;

const echo = deployable({
  runtime: 'nodejs:20',
  code: { source: ECHO },
  name: 'echo',
  memoryMB: 512,
  timeoutMs: 30_000,
  maxInstances: 3,
  params: { greeting: 'hello', who: 'default' },
  env: { FALCO_TEST_COLOUR: 'blue' },
  idempotent: false,
});

const call = { invocationId: 'i', attempt: 1 };

describe('gcf: deploy, invoke, fetch and remove against the v2 API double', { timeout: 120_000 }, () => {
  let bed: GcfTestbed;
  let platform: GcfPlatform;
  let deployment: GcfDeployment;

  before(async () => {
    bed = await startTestbed();
    platform = new GcfPlatform(bed.options);
  });
  after(async () => {
    await platform.close();
    await bed.double.stop();
  });

  test('deploy uploads the zip to the signed URL, creates the function, awaits the operation and reads the URL', async () => {
    deployment = await platform.deploy(echo);
    assert.match(deployment.name, /^falco-echo-[0-9a-f]{8}$/);
    assert.deepEqual({ ...deployment, name: 'n', uri: 'u' }, {
      name: 'n',
      platform: 'gcf',
      runtime: 'nodejs:20',
      memoryMB: 512,
      timeoutMs: 30_000,
      idempotent: false,
      uri: 'u',
    });

    const [upload] = bed.double.uploads.seen;
    assert.equal(bed.double.uploads.seen.length, 1);
    assert.deepEqual({ ...upload, object: 'o', bytes: 0 }, { object: 'o', contentType: 'application/zip', lengthRange: '0,104857600', authorization: false, bytes: 0 });

    const created = await bed.double.function(deployment.name);
    assert.ok(created);
    assert.equal(created.state, 'ACTIVE');
    assert.equal(deployment.uri, created.uri);
    assert.deepEqual(created.zipEntries.sort(), ['falco-config.json', 'falco-handler.mjs', 'falco-node-loader.mjs', 'index.js', 'package.json']);
    assert.equal(created.spec.environment, 'GEN_2');
    assert.deepEqual(created.spec.labels, { 'deployed-by': 'falco', 'falco-idempotent': 'false' });
    assert.equal(created.spec.buildConfig?.runtime, 'nodejs20');
    assert.equal(created.spec.buildConfig?.entryPoint, 'falcoHandler');
    const [bucket, object] = upload?.object.split('/') ?? [];
    assert.deepEqual(created.spec.buildConfig?.source, { storageSource: { bucket, object } }, 'the uploaded zip is the source');
    assert.deepEqual(created.spec.serviceConfig, {
      availableMemory: '512Mi',
      timeoutSeconds: 30,
      maxInstanceCount: 3,
      environmentVariables: { FALCO_TEST_COLOUR: 'blue' },
      allTrafficOnLatestRevision: true,
    });

    const api = bed.double.requests.filter((request) => request.path.startsWith('/v2/')).map((request) => `${request.method} ${request.path.split('/').slice(6).join('/')}`);
    assert.equal(api[0], 'POST functions:generateUploadUrl');
    assert.equal(api[1], 'POST functions');
    assert.ok(api.slice(2).every((line) => line.startsWith('GET operations/')) && api.length > 2, `operation polled: ${api.join(', ')}`);
  });

  test('invoke POSTs the input through the Functions Framework: params under the input, env set, timings from the instance', async () => {
    const first = await platform.invoke(deployment, { who: 'world', n: 1 }, call);
    assert.deepEqual(first.output, { args: { greeting: 'hello', who: 'world', n: 1 }, colour: 'blue' });
    assert.equal(first.coldStart, true);
    assert.equal(typeof first.durationMs, 'number');
    assert.match(first.activationId ?? '', /^\w+$/);
    const second = await platform.invoke(deployment, { n: 2 }, call);
    assert.equal(second.coldStart, false);
    assert.notEqual(second.activationId, first.activationId);
    const run = bed.double.requests.filter((request) => request.path.startsWith('/run/'));
    assert.ok(run.every((request) => request.authorization?.startsWith('Bearer ey')), 'every call carries an ID token');
    assert.equal(bed.double.requests.filter((request) => request.path === '/token').length, 1, 'the ID token is fetched once and cached');
  });

  test('a thrown error is a FunctionError with the function’s message and type', async () => {
    await assert.rejects(platform.invoke(deployment, { mode: 'throw', value: 42 }, call), (error: unknown) => {
      assert.ok(error instanceof FunctionError, String(error));
      assert.equal(error.message, 'bad input: 42');
      assert.equal(error.errorType, 'TypeError');
      assert.equal(error.timings?.coldStart, false);
      return true;
    });
  });

  test('a returned { error } is a FunctionError with its message', async () => {
    await assert.rejects(platform.invoke(deployment, { mode: 'return-error' }, call), (error: unknown) => {
      assert.ok(error instanceof FunctionError, String(error));
      assert.equal(error.message, 'the function says no');
      assert.equal(error.errorType, undefined);
      return true;
    });
  });

  test('fetchDeployment finds the function by name, and another adapter can call it', async () => {
    const other = new GcfPlatform(bed.options);
    try {
      const found = await other.fetchDeployment(deployment.name);
      assert.deepEqual(found, deployment);
      assert.equal(await other.fetchDeployment('falco-echo-00000000'), undefined);
      const result = await other.invoke({ ...deployment, uri: undefined } as unknown as GcfDeployment, { n: 3 }, call);
      assert.deepEqual(result.output, { args: { greeting: 'hello', who: 'default', n: 3 }, colour: 'blue' });
    } finally {
      await other.close();
    }
  });

  test('the key can come from GOOGLE_APPLICATION_CREDENTIALS, the project from the key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'falco-gcf-adc-'));
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    const other = new GcfPlatform({ apiEndpoint: bed.options.apiEndpoint, protocol: 'http', fallback: true });
    try {
      process.env.GOOGLE_APPLICATION_CREDENTIALS = join(dir, 'key.json');
      await writeFile(process.env.GOOGLE_APPLICATION_CREDENTIALS, JSON.stringify(bed.account.credentials));
      const found = await other.fetchDeployment(deployment.name);
      assert.equal(found?.uri, deployment.uri);
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
      await other.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('remove deletes the function, awaits the operation and stops its instance; removing again is fine', async () => {
    assert.equal(bed.double.runningHosts(), 1);
    const before = bed.double.requests.length;
    await platform.remove(deployment);
    assert.equal(await bed.double.function(deployment.name), undefined);
    assert.equal(bed.double.runningHosts(), 0);
    const api = bed.double.requests.slice(before).map((request) => `${request.method} ${request.path.split('/')[6]}`);
    assert.equal(api[0], 'DELETE functions');
    assert.ok(api.slice(1).length > 0 && api.slice(1).every((line) => line === 'GET operations'), api.join(', '));
    assert.equal(await platform.fetchDeployment(deployment.name), undefined);
    await platform.remove(deployment);
  });
});
