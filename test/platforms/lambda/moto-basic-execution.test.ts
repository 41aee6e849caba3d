import {
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deployable } from '../../../src/index.js';
import { startMoto } from '../../doubles/moto.js';
import { MotoEnv } from './moto-env.js';

const ROLE = 'falco-lambda-execution';

describe('the execution role on a Lambda-compatible service without AWS managed policies (moto by default)', () => {
  let env: MotoEnv;
  before(async () => {
    env = new MotoEnv(await startMoto({ env: { MOTO_IAM_LOAD_MANAGED_POLICIES: 'false' } }));
  });
  after(async () => {
    await env.close();
    await env.moto.stop();
  });

  it('gets the basic execution permissions as an inline policy, and the role goes with the last deployment', async () => {
    const platform = env.platform();
    const deployment = await platform.deploy(
      deployable({ runtime: 'nodejs:20', code: { source: 'function main(args) { return args; }' }, name: 'echo' }),
    );
    assert.deepEqual((await env.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }))).AttachedPolicies, []);
    assert.deepEqual((await env.iam.send(new ListRolePoliciesCommand({ RoleName: ROLE }))).PolicyNames, ['falco-basic-execution']);
    const { PolicyDocument } = await env.iam.send(new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: 'falco-basic-execution' }));
    assert.deepEqual(JSON.parse(decodeURIComponent(PolicyDocument ?? '{}')), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
    });
    // moto echoes the event instead of running the function.
    assert.deepEqual((await platform.invoke(deployment, { n: 1 }, { invocationId: 'i0', attempt: 1 })).output, { n: 1 });
    await platform.remove(deployment);
    assert.deepEqual((await env.iam.send(new ListRolesCommand({}))).Roles, []);
  });
});
