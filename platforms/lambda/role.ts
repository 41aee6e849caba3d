import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { paginateListFunctions, type LambdaClient } from '@aws-sdk/client-lambda';
import { DeploymentError } from '../../src/errors.js';
import { grantBasicExecution } from './basic-execution.js';
import { lambdaError } from './errors.js';
import { sendOptions } from './clients.js';

const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

interface Role {
  readonly arn: string;
  /** True when this adapter created it: then it deletes it once no deployment uses it. */
  readonly created: boolean;
}

export interface ExecutionRoleOptions {
  readonly roleName: string;
  readonly roleArn: string | undefined;
  /** Made only when a role has to be looked up or created. */
  readonly iam: () => IAMClient;
  readonly lambda: LambdaClient;
  readonly secrets: readonly string[];
}

/**
 * The functions' execution role: the one given, or `roleName` reused when it exists, or created
 * with least privilege. Deployments hold it (`acquire`) and let it go (`release`); a role this
 * adapter created is deleted when the last one lets go, unless another function still uses it.
 */
export class ExecutionRole {
  readonly #options: ExecutionRoleOptions;
  #role: Promise<Role> | undefined;
  #users = 0;
  #releasing: Promise<void> = Promise.resolve();

  constructor(options: ExecutionRoleOptions) {
    this.#options = options;
    if (options.roleArn) this.#role = Promise.resolve({ arn: options.roleArn, created: false });
  }

  async acquire(signal: AbortSignal | undefined): Promise<string> {
    this.#users++;
    try {
      // A role being deleted must be gone before it is looked up again.
      await this.#releasing;
      this.#role ??= this.#findOrCreate(signal);
      return (await this.#role).arn;
    } catch (error) {
      this.#users--;
      if (!this.#options.roleArn) this.#role = undefined;
      throw error;
    }
  }

  release(signal: AbortSignal | undefined): Promise<void> {
    this.#users = Math.max(0, this.#users - 1);
    if (this.#users > 0) return Promise.resolve();
    const done = this.#deleteIfCreated(signal);
    this.#releasing = done.catch(() => undefined);
    return done;
  }

  async #deleteIfCreated(signal: AbortSignal | undefined): Promise<void> {
    const role = await this.#role?.catch(() => undefined);
    if (!role?.created) return;
    this.#role = undefined;
    if (await this.#inUse(role.arn, signal)) return;
    await this.#delete(signal);
  }

  async #findOrCreate(signal: AbortSignal | undefined): Promise<Role> {
    const iam = this.#options.iam();
    const { roleName: RoleName } = this.#options;
    const existing = await this.#get(signal);
    if (existing) return { arn: existing, created: false };
    let arn: string | undefined;
    try {
      const created = await iam.send(
        new CreateRoleCommand({
          RoleName,
          AssumeRolePolicyDocument: TRUST_POLICY,
          Description: 'Execution role of the functions falco deploys: basic execution (logs) only',
          Tags: [{ Key: 'falco', Value: 'true' }],
        }),
        sendOptions(signal),
      );
      arn = created.Role?.Arn;
    } catch (error) {
      // Another run created it between our look-up and our create: use theirs.
      if ((error as Error).name === 'EntityAlreadyExistsException') {
        const theirs = await this.#get(signal);
        if (theirs) return { arn: theirs, created: false };
      }
      throw this.#error(error, `creating the execution role "${RoleName}"`);
    }
    if (!arn) throw new DeploymentError(`creating the execution role "${RoleName}" returned no ARN`);
    try {
      await grantBasicExecution(iam, arn, RoleName, signal);
    } catch (error) {
      await this.#delete(AbortSignal.timeout(30_000)).catch(() => undefined);
      throw this.#error(error, `attaching the basic execution policy to "${RoleName}"`);
    }
    return { arn, created: true };
  }

  async #get(signal: AbortSignal | undefined): Promise<string | undefined> {
    try {
      const { Role } = await this.#options.iam().send(new GetRoleCommand({ RoleName: this.#options.roleName }), sendOptions(signal));
      return Role?.Arn;
    } catch (error) {
      if ((error as Error).name === 'NoSuchEntityException') return undefined;
      throw this.#error(error, `looking up the execution role "${this.#options.roleName}"`);
    }
  }

  async #inUse(arn: string, signal: AbortSignal | undefined): Promise<boolean> {
    try {
      for await (const page of paginateListFunctions({ client: this.#options.lambda }, {})) {
        signal?.throwIfAborted();
        if (page.Functions?.some((fn) => fn.Role === arn)) return true;
      }
      return false;
    } catch (error) {
      throw this.#error(error, 'listing functions before deleting the execution role');
    }
  }

  async #delete(signal: AbortSignal | undefined): Promise<void> {
    const iam = this.#options.iam();
    const { roleName: RoleName } = this.#options;
    try {
      for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName })) {
        for (const policy of page.AttachedPolicies ?? []) {
          await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: policy.PolicyArn }), sendOptions(signal));
        }
      }
      for await (const page of paginateListRolePolicies({ client: iam }, { RoleName })) {
        for (const PolicyName of page.PolicyNames ?? []) {
          await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }), sendOptions(signal));
        }
      }
      await iam.send(new DeleteRoleCommand({ RoleName }), sendOptions(signal));
    } catch (error) {
      throw this.#error(error, `deleting the execution role "${RoleName}"`);
    }
  }

  #error(error: unknown, context: string) {
    const denied = /AccessDenied/.test((error as Error | undefined)?.name ?? '');
    const hint = denied ? ' (without IAM permissions, pass the roleArn option to use an existing role)' : '';
    return lambdaError(error, `${context}${hint}`, this.#options.secrets);
  }
}
