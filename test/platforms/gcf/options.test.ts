import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, deployable, type Deployable } from '../../../src/index.js';
import { GcfPlatform, type GcfOptions } from '../../../platforms/gcf/index.js';
import { parseGcfOptions, transportOf } from '../../../platforms/gcf/options.js';
import { falcoRuntimeId, gcfRuntime } from '../../../platforms/gcf/runtimes.js';
import { createServiceAccount } from '../../doubles/gcf/service-account.js';
import './setup.js';

const hello = deployable({ runtime: 'nodejs:20', code: { source: 'function main() { return {}; }' }, name: 'hello' });
const PROJECT_VARIABLES = ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT', 'GOOGLE_APPLICATION_CREDENTIALS'];

/** Runs `fn` with the project and credential variables unset, so only the options count. */
async function withoutProjectEnvironment(fn: () => Promise<void>): Promise<void> {
  const saved = PROJECT_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of PROJECT_VARIABLES) delete process.env[name];
  try {
    await fn();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

async function deployFails(options: GcfOptions, code: Deployable, message: RegExp): Promise<void> {
  const platform = new GcfPlatform(options);
  try {
    await assert.rejects(platform.deploy(code), (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      assert.match(error.message, message);
      return true;
    });
  } finally {
    await platform.close();
  }
}

describe('gcf options', { timeout: 120_000 }, () => {
  const account = createServiceAccount('falco-test', 'http://127.0.0.1:9/token');
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'falco-gcf-options-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('wrong options are ConfigErrors that name the option', () => {
    const cases: [GcfOptions, RegExp][] = [
      [{ projectId: 'No_Such Project' }, /option "projectId": must be a project id/],
      [{ region: 'mars' }, /option "region": must be a region/],
      [{ maxSockets: 0 }, /option "maxSockets": must be a positive integer/],
      [{ protocol: 'http' }, /option "protocol": plain http needs apiEndpoint and fallback: true/],
      [{ credentials: account.credentials, keyFilename: '/k.json' }, /option "keyFilename": give either credentials or keyFilename/],
      [{ endpoint: 'http://127.0.0.1:1', apiEndpoint: 'a:1' }, /option "endpoint": give either endpoint or apiEndpoint/],
      [{ endpoint: 'ftp://x' }, /option "endpoint": must be an http\(s\) URL/],
      [{ token: 'x' } as GcfOptions, /Unrecognized key/],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => new GcfPlatform(options), (error: unknown) => error instanceof ConfigError && message.test(error.message));
    }
  });

  test('project is projectId under the name the CLI and gcloud use; giving both is a ConfigError', () => {
    assert.equal(parseGcfOptions({ project: 'falco-test' }).projectId, 'falco-test');
    assert.equal(parseGcfOptions({ projectId: 'falco-test' }).projectId, 'falco-test');
    assert.equal('project' in parseGcfOptions({ project: 'falco-test' }), false);
    assert.throws(
      () => new GcfPlatform({ project: 'falco-one', projectId: 'falco-two' }),
      (error: unknown) => error instanceof ConfigError && /option "project": give either project or projectId/.test(error.message),
    );
    assert.throws(() => new GcfPlatform({ project: 'No_Such Project' }), /option "project": must be a project id/);
  });

  test('an endpoint URL sets host, port, protocol and REST', () => {
    assert.deepEqual(transportOf(parseGcfOptions({ endpoint: 'http://127.0.0.1:8080' })), {
      apiEndpoint: '127.0.0.1',
      port: 8080,
      protocol: 'http',
      fallback: true,
    });
    assert.deepEqual(transportOf(parseGcfOptions({ apiEndpoint: 'functions.internal:8443' })), { apiEndpoint: 'functions.internal', port: 8443 });
    assert.deepEqual(transportOf(parseGcfOptions({})), {});
  });

  test('runtime ids map to Cloud Functions runtimes and back', () => {
    assert.deepEqual(gcfRuntime('nodejs:20'), { language: 'nodejs', runtime: 'nodejs20', entryPoint: 'falcoHandler' });
    assert.deepEqual(gcfRuntime('python:3.11'), { language: 'python', runtime: 'python311', entryPoint: 'falco_handler' });
    assert.equal(gcfRuntime('python:3').runtime, 'python312');
    assert.equal(falcoRuntimeId('nodejs22'), 'nodejs:22');
    assert.equal(falcoRuntimeId('python312'), 'python:3.12');
    assert.equal(falcoRuntimeId('go122'), 'go122');
  });

  test('an unknown runtime is a ConfigError listing the known ones', async () => {
    await deployFails({ projectId: 'falco-test', credentials: account.credentials }, { ...hello, runtime: 'java:17' }, /unknown runtime "java:17": use one of nodejs:18/);
  });

  test('memory and timeout outside what Cloud Functions allows are ConfigErrors', async () => {
    const options = { projectId: 'falco-test', credentials: account.credentials };
    await deployFails(options, { ...hello, memoryMB: 64 }, /memoryMB must be between 128 and 32768 \(got 64\)/);
    await deployFails(options, { ...hello, timeoutMs: 3_601_000 }, /timeoutMs must be at most 3600000/);
  });

  test('without a project anywhere, deploying is a ConfigError that says where to set one', async () => {
    const { project_id: _, ...credentials } = account.credentials;
    await withoutProjectEnvironment(() => deployFails({ credentials }, hello, /no Google Cloud project: set the projectId option or GOOGLE_CLOUD_PROJECT/));
  });

  test('a key file that cannot be read or parsed is a ConfigError that does not quote it', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, `{ "private_key": "${account.credentials.private_key}" `);
    await deployFails({ projectId: 'falco-test', keyFilename: join(dir, 'missing.json') }, hello, /cannot read the key file .*missing\.json \(ENOENT\)/);
    const platform = new GcfPlatform({ projectId: 'falco-test', keyFilename: broken });
    try {
      await assert.rejects(platform.deploy(hello), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /broken\.json is not a JSON object/);
        assert.ok(!error.message.includes('PRIVATE KEY'));
        return true;
      });
    } finally {
      await platform.close();
    }
  });

  test('GOOGLE_APPLICATION_CREDENTIALS names the key when the options do not', async () => {
    await withoutProjectEnvironment(async () => {
      process.env.GOOGLE_APPLICATION_CREDENTIALS = join(dir, 'missing-adc.json');
      await deployFails({}, hello, /cannot read the key file .*missing-adc\.json/);
    });
  });
});
