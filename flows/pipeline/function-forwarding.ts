import { randomUUID } from 'node:crypto';
import { ConfigError } from '../../src/errors.js';
import { makeEvent } from '../../stores/ports/event.js';
import type { TriggerSpec, WorkspaceStore } from '../../stores/ports/workspace.js';
import { INVOCATION_SUCCEEDED, INVOKE_COMMAND_TYPE, type InvokeCommand } from '../triggers/commands.js';
import { Workspaces } from '../triggers/workspaces.js';
import type { SignedForwarding } from './forwarding-types.js';
import { checkSigned, signerOf, signRequest } from './forwarding.js';
import type { PipelineRequest } from './request.js';
import type { Forward } from './runner.js';

/**
 * Forwarding by invoking the pipeline itself as a function (Faasflow's model): each phase is one
 * invocation of the function `pipelineDeployable()` makes, run by an action worker (`falco triggers
 * serve`, or `ActionWorker`) on its platform. The function runs one phase and returns the next
 * request, signed; a trigger in the workspace turns that result into the `invoke` command of the next
 * phase, in the checkpoint that consumes the result. Nothing of the pipeline runs between phases,
 * and the driver may exit once `submit` returns.
 */
export interface FunctionForwarding extends SignedForwarding {
  /** The name the action worker knows the function by: its key in `ActionWorker`'s `deployments`. */
  readonly function: string;
  /** The store whose workspace carries the commands: the action worker's. */
  readonly store: WorkspaceStore;
  /** The workspace the action worker and its trigger service serve. */
  readonly workspace: string;
}

export function isFunctionForwarding(forwarding: object): forwarding is FunctionForwarding {
  return 'function' in forwarding;
}

export function checkFunctionForwarding(forwarding: FunctionForwarding, pipeline: string): void {
  if (typeof forwarding.function !== 'string' || forwarding.function === '') {
    throw new ConfigError(`pipeline "${pipeline}": forwarding.function must name the pipeline's function as the action worker knows it (its key in ActionWorker's deployments)`);
  }
  if (!forwarding.store || typeof forwarding.store.commands !== 'function') {
    throw new ConfigError(`pipeline "${pipeline}": forwarding.store must be the action worker's workspace store (openStore(url))`);
  }
  if (typeof forwarding.workspace !== 'string' || forwarding.workspace === '') {
    throw new ConfigError(`pipeline "${pipeline}": forwarding.workspace must name the workspace the action worker serves`);
  }
  checkSigned(forwarding, pipeline);
}

/** The trigger that turns the function's result into the command of the next phase: one per pipeline and workspace. */
function forwardingTrigger(forwarding: FunctionForwarding, pipeline: string): TriggerSpec {
  const id = triggerId(pipeline);
  return {
    id,
    activation: [{ type: INVOCATION_SUCCEEDED, subject: `${forwarding.workspace}/${id}/`, match: 'prefix' }],
    condition: { name: 'true' },
    // The function answers `next: []` once the request ends or parks, so the last phase invokes nothing.
    action: { name: 'invoke', options: { deployment: forwarding.function, forEach: '{{event.data.output.next}}', input: '{{item}}' } },
    transient: false,
  };
}

/** Makes the workspace and puts its forwarding trigger in place, unless it is there already. */
export async function installForwarding(forwarding: FunctionForwarding, pipeline: string): Promise<void> {
  const workspaces = new Workspaces(forwarding.store);
  await workspaces.create(forwarding.workspace);
  const trigger = forwardingTrigger(forwarding, pipeline);
  const current = await workspaces.getTrigger(forwarding.workspace, trigger.id);
  if (JSON.stringify(current?.spec) !== JSON.stringify(trigger)) await workspaces.addTriggers(forwarding.workspace, [trigger]);
}

/** Forwards a request (the first phase, or one resumed) as an `invoke` command of the pipeline's function. */
export function functionInvoker(forwarding: FunctionForwarding): Forward {
  const signer = signerOf(forwarding);
  return async (request: PipelineRequest) => {
    const id = triggerId(request.pipeline);
    // A fresh key per hand-off: a resumed phase must not be taken for the earlier command of the same phase.
    const key = `${request.requestId}.${request.phase}.${randomUUID().slice(0, 8)}`;
    const idempotencyKey = `${forwarding.workspace}/${id}/${key}`;
    const command: InvokeCommand = {
      deployment: forwarding.function,
      workspace: forwarding.workspace,
      trigger: id,
      key,
      idempotencyKey,
      input: { ...signRequest(request, signer) },
      reportTo: forwarding.workspace,
    };
    await forwarding.store.commands(forwarding.workspace).publish([makeEvent({ id: idempotencyKey, source: `falco.pipeline/${request.pipeline}`, type: INVOKE_COMMAND_TYPE, subject: idempotencyKey, data: command })]);
  };
}

function triggerId(pipeline: string): string {
  return `falco.pipeline.${pipeline}`;
}
