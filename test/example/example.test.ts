import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GcfDouble } from '../doubles/gcf/double.js';
import { FAKE_CREDENTIALS, startMoto } from '../doubles/moto.js';

const example = fileURLToPath(new URL('../../example/example.js', import.meta.url));
const phaseFunctions = fileURLToPath(new URL('../../example/phase-functions.js', import.meta.url));

/** Runs the compiled example the way the README does; resolves with its output and exit code. */
async function runExample(args: string[], env: Record<string, string> = {}, script = example): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, ...args], {
      timeout: 120_000,
      env: { ...process.env, ...env },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const { stdout = '', stderr = '', code } = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout, stderr, code: typeof code === 'number' ? code : -1 };
  }
}

describe('the example', () => {
  it('runs the python:3 hello action on the local platform with no flags', async () => {
    const { stdout, code } = await runExample([]);
    assert.equal(code, 0);
    assert.equal(stdout.trim(), 'hello-0: {"greeting":"Hello world!"}');
  });

  it('runs many invocations through each executor', async () => {
    for (const executor of ['sequential', 'concurrent', 'batched', 'async']) {
      const { stdout, code } = await runExample(['--invocations', '20', '--executor', executor, '--concurrency', '4']);
      assert.equal(code, 0, executor);
      const lines = stdout.trim().split('\n');
      assert.equal(lines.length, 20, executor);
      assert.ok(lines.includes('hello-7: {"greeting":"Hello world 7!"}'), executor);
    }
  });

  it('exits as the falco command does: 2 for bad usage, 1 for a failed run', async () => {
    const bad = await runExample(['--executor', 'turbo']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /argument 'turbo' is invalid\. Allowed choices are sequential, concurrent, batched, async/);
    const noToken = await runExample(['--host', 'http://127.0.0.1:9']);
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /example failed: ConfigError: .*token/i);
    const unknown = await runExample(['--bogus']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--bogus'/);
    // Nothing listens on port 9: the run fails, as a run, not as bad usage.
    const unreachable = await runExample(['--host', 'http://127.0.0.1:9', '--token', 'user:key']);
    assert.equal(unreachable.code, 1, unreachable.stderr);
    assert.match(unreachable.stderr, /example failed: TransientError: cannot reach OpenWhisk at http:\/\/127\.0\.0\.1:9/);
  });

  it('checks its connection flags as the falco command does, naming a flag the platform does not take', async () => {
    const { code, stderr } = await runExample(['--platform', 'openwhisk', '--host', 'http://127.0.0.1:9', '--token', 'user:key', '--region', 'eu-west-1']);
    assert.equal(code, 2);
    assert.match(stderr, /--region does not apply to the openwhisk platform: it is for lambda, gcf/);
  });

  it('runs a plan whose phases call their own functions (Phase.deployable): Python squares, a JavaScript sum', async () => {
    const { stdout, stderr, code } = await runExample([], {}, phaseFunctions);
    assert.equal(code, 0, stderr);
    assert.equal(stdout.trim(), '{ sum: 285 }');
  });

  it('runs on AWS Lambda (moto) with --platform lambda --endpoint', async () => {
    const moto = await startMoto();
    try {
      const { stdout, stderr, code } = await runExample(['--platform', 'lambda', '--endpoint', moto.endpoint, '--region', 'us-east-1'], {
        AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
      });
      assert.equal(code, 0, stderr);
      // moto echoes the event instead of running the function.
      assert.equal(stdout.trim(), 'hello-0: {"name":"world"}');
      const lambda = new LambdaClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: FAKE_CREDENTIALS });
      const { Functions } = await lambda.send(new ListFunctionsCommand({}));
      lambda.destroy();
      assert.deepEqual(Functions, [], 'the function was removed');
      assert.ok(!stdout.includes(FAKE_CREDENTIALS.secretAccessKey) && !stderr.includes(FAKE_CREDENTIALS.secretAccessKey));
    } finally {
      await moto.stop();
    }
  });

  it('runs on Google Cloud Functions (the v2 double) with --platform gcf', async () => {
    const double = await GcfDouble.start();
    const dir = await mkdtemp(join(tmpdir(), 'falco-example-gcf-'));
    try {
      const keyFile = join(dir, 'key.json');
      await writeFile(keyFile, JSON.stringify(double.serviceAccount().credentials), { mode: 0o600 });
      const { stdout, stderr, code } = await runExample(['--platform', 'gcf', '--endpoint', double.url], {
        METADATA_SERVER_DETECTION: 'none',
        GOOGLE_APPLICATION_CREDENTIALS: keyFile,
        GOOGLE_CLOUD_PROJECT: double.project,
      });
      assert.equal(code, 0, stderr);
      assert.equal(stdout.trim(), 'hello-0: {"greeting":"Hello world!"}');
      assert.deepEqual(double.functionIds(), [], 'the function was removed');
    } finally {
      await double.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
