import {
  CreateRoleCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { CreateFunctionCommand, GetFunctionCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanupLambda } from '../../../platforms/lambda/index.js';
import { ConfigError, deployable } from '../../../src/index.js';
import { ACCOUNT, BASIC_EXECUTION_ARN, useMoto } from './moto-env.js';

const echo = (name = 'echo') =>
  deployable({ runtime: 'nodejs:20', code: { source: 'function main(args) { return args; }' }, name });

const ROLE = 'falco-lambda-execution';

describe('execution roles and cleanup against moto', () => {
  const env = useMoto();

  async function roleNames(): Promise<string[]> {
    const { Roles = [] } = await env().iam.send(new ListRolesCommand({}));
    return Roles.map((role) => role.RoleName ?? '').sort();
  }

  async function functionNames(): Promise<string[]> {
    const { Functions = [] } = await env().lambda.send(new ListFunctionsCommand({}));
    return Functions.map((fn) => fn.FunctionName ?? '').sort();
  }

  async function roleOf(name: string): Promise<string | undefined> {
    return (await env().lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration?.Role;
  }

  async function createRole(name: string): Promise<string> {
    const { Role } = await env().iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: '{}' }));
    assert.ok(Role?.Arn);
    return Role.Arn;
  }

  it('creates a least-privilege role: Lambda may assume it, basic execution is all it may do', async () => {
    const platform = env().platform();
    const deployment = await platform.deploy(echo());
    const { Role } = await env().iam.send(new GetRoleCommand({ RoleName: ROLE }));
    assert.equal(await roleOf(deployment.name), Role?.Arn);
    const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as unknown;
    assert.deepEqual(trust, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const { AttachedPolicies } = await env().iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }));
    assert.deepEqual(AttachedPolicies?.map((policy) => policy.PolicyArn), [BASIC_EXECUTION_ARN]);
    assert.deepEqual((await env().iam.send(new ListRolePoliciesCommand({ RoleName: ROLE }))).PolicyNames, []);
  });

  it('creates the role once for many deployments and deletes it with the last one', async () => {
    const platform = env().platform();
    const [first, second] = await Promise.all([platform.deploy(echo('one')), platform.deploy(echo('two'))]);
    assert.ok(first && second);
    assert.deepEqual(await roleNames(), [ROLE]);
    assert.equal(await roleOf(first.name), await roleOf(second.name));
    await platform.remove(first);
    assert.deepEqual(await roleNames(), [ROLE]);
    await platform.remove(second);
    assert.deepEqual(await roleNames(), []);
    assert.deepEqual(await functionNames(), []);
    // A later deployment makes the role again.
    await platform.deploy(echo('three'));
    assert.deepEqual(await roleNames(), [ROLE]);
  });

  it('reuses an existing role by name and leaves it in place', async () => {
    const arn = await createRole(ROLE);
    const platform = env().platform();
    const deployment = await platform.deploy(echo());
    assert.equal(await roleOf(deployment.name), arn);
    await platform.remove(deployment);
    assert.deepEqual(await roleNames(), [ROLE]);
    assert.deepEqual((await env().iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }))).AttachedPolicies, []);
  });

  it('uses a given role ARN and creates no role', async () => {
    const arn = await createRole('team-role');
    const platform = env().platform({ roleArn: arn });
    const deployment = await platform.deploy(echo());
    assert.equal(await roleOf(deployment.name), arn);
    await platform.remove(deployment);
    assert.deepEqual(await roleNames(), ['team-role']);
  });

  it('keeps a role it created while another run still has functions using it', async () => {
    const creator = env().platform();
    const reuser = env().platform();
    const mine = await creator.deploy(echo('mine'));
    const theirs = await reuser.deploy(echo('theirs'));
    assert.equal(await roleOf(theirs.name), await roleOf(mine.name));
    await creator.remove(mine);
    assert.deepEqual(await roleNames(), [ROLE]);
    await reuser.remove(theirs);
    assert.deepEqual(await roleNames(), [ROLE], 'a role the run did not create is never deleted');
  });

  it('cleans up leftovers by prefix, and only functions of falco\'s shape', async () => {
    const arn = await createRole('own');
    for (const FunctionName of ['my-function', 'falco-prod']) {
      await env().lambda.send(
        new CreateFunctionCommand({ FunctionName, Runtime: 'nodejs20.x', Role: arn, Handler: 'index.main', Code: { ZipFile: Buffer.from('PK') } }),
      );
    }
    const leftover = env().platform({ roleArn: arn });
    const alphas = [await leftover.deploy(echo('alpha')), await leftover.deploy(echo('alpha'))];
    const beta = await leftover.deploy(echo('beta'));
    await leftover.close();

    const first = await cleanupLambda({ ...env().connection, prefix: 'falco-alpha-' });
    assert.deepEqual(first.removed.sort(), alphas.map((d) => d.name).sort());
    assert.deepEqual(first.failed, []);
    assert.deepEqual(await functionNames(), [beta.name, 'falco-prod', 'my-function'].sort());

    const second = await cleanupLambda(env().connection);
    assert.deepEqual(second.removed, [beta.name]);
    assert.deepEqual(await functionNames(), ['falco-prod', 'my-function']);
    assert.deepEqual(await cleanupLambda(env().connection), { removed: [], failed: [] });
  });

  it('refuses a cleanup prefix that is not falco\'s', async () => {
    await assert.rejects(cleanupLambda({ ...env().connection, prefix: 'my-' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /"prefix".*falco-/);
      return true;
    });
    assert.match(ACCOUNT, /^\d{12}$/);
  });
});
