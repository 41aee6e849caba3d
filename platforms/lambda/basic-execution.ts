import { AttachRolePolicyCommand, PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { sendOptions } from './clients.js';

/** AWS's managed policy for it: the only permission falco's functions get, writing their logs to CloudWatch. */
const BASIC_EXECUTION_POLICY = 'policy/service-role/AWSLambdaBasicExecutionRole';

/** The name of the inline copy, where the managed policy does not exist. */
export const BASIC_EXECUTION_INLINE_POLICY = 'falco-basic-execution';

/** The managed policy's own statement. */
const BASIC_EXECUTION_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
});

/**
 * Lets the role's functions write their logs: AWS's managed policy attached, or, on a
 * Lambda-compatible service that has no managed policies (moto unless started with
 * MOTO_IAM_LOAD_MANAGED_POLICIES=true), the same permissions as an inline policy.
 */
export async function grantBasicExecution(iam: IAMClient, roleArn: string, roleName: string, signal: AbortSignal | undefined): Promise<void> {
  const partition = roleArn.split(':')[1] ?? 'aws';
  try {
    await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: `arn:${partition}:iam::aws:${BASIC_EXECUTION_POLICY}` }), sendOptions(signal));
  } catch (error) {
    if ((error as Error).name !== 'NoSuchEntityException') throw error;
    await iam.send(
      new PutRolePolicyCommand({ RoleName: roleName, PolicyName: BASIC_EXECUTION_INLINE_POLICY, PolicyDocument: BASIC_EXECUTION_DOCUMENT }),
      sendOptions(signal),
    );
  }
}
