import { CreateRoleCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, GetFunctionCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrentExecutor } from '../../../executors/concurrent.js';
import { isFalcoName } from '../../../platforms/shared/names.js';
import { ConfigError, deployable, DeploymentError, FatalError, type DeployableOptions } from '../../../src/index.js';
import { FAKE_CREDENTIALS, startMoto } from '../../doubles/moto.js';
import { inputs, PlanDriver } from '../../helpers/drivers.js';
import { zipOf } from '../../helpers/zip.js';
import { MotoEnv, REGION, useMoto } from './moto-env.js';

const echo = (options: Partial<DeployableOptions> = {}) =>
  deployable({ runtime: 'nodejs:20', code: { source: 'function main(args) { return args; }' }, name: 'echo', ...options });

describe('LambdaPlatform against moto', () => {
  const env = useMoto();

  it('deploys a function, configured as asked, and waits until it is Active', async () => {
    const platform = env().platform({ architecture: 'arm64' });
    const deployment = await platform.deploy(
      echo({ name: 'configured', memoryMB: 512, timeoutMs: 2_500, env: { MODE: 'test' }, idempotent: false, maxInstances: 4 }),
    );
    assert.ok(isFalcoName(deployment.name), deployment.name);
    assert.match(deployment.name, /^falco-configured-[0-9a-f]{8}$/);
    assert.deepEqual(deployment, {
      name: deployment.name,
      platform: 'lambda',
      runtime: 'nodejs:20',
      memoryMB: 512,
      timeoutMs: 3_000,
      idempotent: false,
    });
    const { Configuration: fn, Tags, Concurrency } = await env().lambda.send(new GetFunctionCommand({ FunctionName: deployment.name }));
    assert.equal(fn?.State, 'Active');
    assert.equal(fn?.Runtime, 'nodejs20.x');
    assert.equal(fn?.Handler, 'falco_handler.handler');
    assert.equal(fn?.MemorySize, 512);
    assert.equal(fn?.Timeout, 3);
    assert.deepEqual(fn?.Architectures, ['arm64']);
    assert.deepEqual(fn?.Environment?.Variables, { MODE: 'test' });
    assert.match(fn?.Role ?? '', /^arn:aws:iam::123456789012:role\/falco-lambda-execution$/);
    assert.deepEqual(Tags, { 'falco:runtime': 'nodejs:20', 'falco:idempotent': 'false' });
    assert.equal(Concurrency?.ReservedConcurrentExecutions, 4);
  });

  it('deploys Python with bare python:3 on the newest Python runtime', async () => {
    const platform = env().platform();
    const deployment = await platform.deploy(deployable({ runtime: 'python:3', code: { source: 'def main(a):\n  return a\n' } }));
    const { Configuration } = await env().lambda.send(new GetFunctionCommand({ FunctionName: deployment.name }));
    assert.equal(Configuration?.Runtime, 'python3.12');
    assert.equal((await platform.fetchDeployment(deployment.name))?.runtime, 'python:3');
  });

  it('invokes synchronously: moto echoes the input, the request id is the activation id', async () => {
    const platform = env().platform({ logTail: true });
    const deployment = await platform.deploy(echo());
    const input = { words: ['a', 'b'], n: 3, nested: { ok: true } };
    const first = await platform.invoke(deployment, input, { invocationId: 'one', attempt: 1 });
    // moto's echo answers 500 to a payload that is not a JSON object; Lambda itself takes any JSON.
    const second = await platform.invoke(deployment, { other: 'input' }, { invocationId: 'two', attempt: 1 });
    assert.deepEqual(first.output, input);
    assert.deepEqual(second.output, { other: 'input' });
    assert.equal(typeof first.activationId, 'string');
    assert.ok(first.activationId);
    assert.notEqual(first.activationId, second.activationId);
    assert.deepEqual((await platform.invoke(deployment, undefined, { invocationId: 'three', attempt: 1 })).output, {});
  });

  it("deploys a { zip } with falco's wrapper added, and refuses one without its entry file before creating anything", async () => {
    const platform = env().platform();
    const zip = await zipOf({ 'package.json': JSON.stringify({ main: 'app.js' }), 'app.js': 'exports.main = (args) => args;' });
    const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { zip }, name: 'zipped' }));
    const { Configuration } = await env().lambda.send(new GetFunctionCommand({ FunctionName: deployment.name }));
    assert.equal(Configuration?.State, 'Active');
    assert.equal(Configuration?.Handler, 'falco_handler.handler');
    assert.ok((Configuration?.CodeSize ?? 0) > zip.byteLength, 'the wrapper went into the zip');
    assert.deepEqual((await platform.invoke(deployment, { n: 1 }, { invocationId: 'z', attempt: 1 })).output, { n: 1 });
    await platform.remove(deployment);

    const lacking = await zipOf({ 'lib/app.js': 'exports.main = (args) => args;' });
    await assert.rejects(platform.deploy(deployable({ runtime: 'nodejs:20', code: { zip: lacking }, name: 'lacking' })), (error: unknown) => {
      assert.ok(error instanceof DeploymentError, String(error));
      assert.match(error.message, /the function's zip has no index\.js/);
      return true;
    });
    assert.deepEqual((await env().lambda.send(new ListFunctionsCommand({}))).Functions, []);
    assert.deepEqual((await env().iam.send(new ListRolesCommand({}))).Roles, []);
  });

  it('fetches a deployment it made, one it did not tag, and none for an unknown name', async () => {
    const platform = env().platform();
    const deployment = await platform.deploy(echo({ idempotent: false }));
    assert.deepEqual(await platform.fetchDeployment(deployment.name), deployment);
    assert.equal(await platform.fetchDeployment('falco-nothing-0badc0de'), undefined);

    const { Role } = await env().iam.send(new CreateRoleCommand({ RoleName: 'own', AssumeRolePolicyDocument: '{}' }));
    await env().lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'untagged',
        Runtime: 'python3.11',
        Role: Role?.Arn,
        Handler: 'app.main',
        Code: { ZipFile: Buffer.from('PK') },
        MemorySize: 1024,
        Timeout: 30,
      }),
    );
    assert.deepEqual(await platform.fetchDeployment('untagged'), {
      name: 'untagged',
      platform: 'lambda',
      runtime: 'python:3.11',
      memoryMB: 1024,
      timeoutMs: 30_000,
      idempotent: true,
    });
  });

  it('deletes the function and the role it made when the deploy fails after creating them', async () => {
    // moto refuses a reservation that leaves the account fewer than 100 unreserved instances.
    const moto = await startMoto({ env: { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', MOTO_LAMBDA_CONCURRENCY_QUOTA: '1000' } });
    const quota = new MotoEnv(moto);
    try {
      const limited = quota.platform();
      await assert.rejects(limited.deploy(echo({ name: 'limited', maxInstances: 950 })), FatalError);
      const { Functions } = await quota.lambda.send(new ListFunctionsCommand({}));
      assert.deepEqual(Functions, []);
      assert.deepEqual((await quota.iam.send(new ListRolesCommand({}))).Roles, []);
      assert.ok(await limited.deploy(echo({ name: 'fits', maxInstances: 10 })));
    } finally {
      await quota.close();
      await moto.stop();
    }
  });

  it('refuses what Lambda cannot run before calling it', async () => {
    const platform = env().platform();
    await assert.rejects(platform.deploy(echo({ memoryMB: 64 })), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /128/);
      return true;
    });
    await assert.rejects(platform.deploy(echo({ timeoutMs: 901_000 })), /900000/);
    await platform.close();
    await assert.rejects(platform.deploy(echo()), /closed/);
    await assert.doesNotReject(platform.close());
  });

  it('finds credentials through the SDK default chain when none are given', async () => {
    const variables = { AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey, AWS_REGION: REGION };
    const saved = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]));
    Object.assign(process.env, variables);
    try {
      const platform = env().platform({ endpoint: env().moto.endpoint, credentials: undefined, region: undefined });
      const deployment = await platform.deploy(echo());
      assert.deepEqual((await platform.invoke(deployment, { via: 'env' }, { invocationId: 'env', attempt: 1 })).output, { via: 'env' });
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('runs a driver end to end and leaves nothing behind', async () => {
    const platform = env().platform();
    const driver = new PlanDriver([{ id: 'main', invocations: inputs(12) }]);
    const result = await driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 4 }) });
    const [phase] = result.phases;
    assert.equal(phase?.counts.succeeded, 12);
    assert.deepEqual(
      phase?.invocations.map((invocation) => invocation.output),
      inputs(12).map(({ input }) => input),
    );
    for (const invocation of phase?.invocations ?? []) assert.ok(invocation.attempts[0]?.activationId);
    const { Functions } = await env().lambda.send(new ListFunctionsCommand({}));
    assert.deepEqual(Functions, []);
  });
});
