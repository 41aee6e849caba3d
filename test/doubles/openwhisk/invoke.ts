import { setTimeout as delay } from 'node:timers/promises';
import { NOT_FOUND } from './actions.js';
import { activationRecord, newActivationId, type Action, type Activation } from './entities.js';
import { BadRequest } from './http.js';
import type { DoubleState, Reply } from './state.js';

/**
 * `POST .../actions/{name}[?blocking=true[&result=true]]`. The action's parameters are merged
 * under the payload (the payload wins). A blocking call answers with the activation: 200 on
 * success, 502 for an application or developer error, 500 for an internal one; one that takes
 * longer than the blocking wait, or is cut off by a fault, answers 202 with the activation id.
 */
export async function invokeAction(state: DoubleState, name: string, payload: unknown, blocking: boolean, resultOnly: boolean): Promise<Reply> {
  const action = state.actions.get(name);
  if (!action) return NOT_FOUND;
  if (payload !== undefined && (payload === null || typeof payload !== 'object' || Array.isArray(payload))) {
    throw new BadRequest('The request content was malformed:\nthe payload must be a JSON object');
  }
  const args = { ...defaultParameters(action), ...(payload as object | undefined) };
  const activationId = newActivationId();
  const running = activate(state, action, args, activationId);
  const accepted: Reply = { status: 202, body: { activationId }, headers: { 'x-openwhisk-activation-id': activationId } };
  if (!blocking || state.faults.take('cutOff', 'invoke')) return accepted;
  const activation = await Promise.race([running, delay(state.blockingWaitMs, undefined, { ref: false })]);
  if (!activation) return accepted;
  const { status } = activation.response;
  return {
    status: status === 'success' ? 200 : status === 'whisk internal error' ? 500 : 502,
    body: resultOnly ? activation.response.result : activation,
    headers: { 'x-openwhisk-activation-id': activationId },
  };
}

/** `GET .../activations/{id}`: 404 until the activation has ended and been recorded. */
export function getActivation(state: DoubleState, activationId: string): Reply {
  const activation = state.activations.get(activationId);
  return activation ? { status: 200, body: activation } : NOT_FOUND;
}

async function activate(state: DoubleState, action: Action, args: object, activationId: string): Promise<Activation> {
  const arrived = Date.now();
  const wait = state.faults.take('delay', 'invoke');
  if (wait) await delay(wait.ms);
  const report = await state.runner.run(action, args, activationId);
  const activation = activationRecord(action, activationId, state.subject, report, report.start - arrived);
  state.activations.set(activationId, activation);
  return activation;
}

function defaultParameters(action: Action): Record<string, unknown> {
  return Object.fromEntries(action.parameters.filter((p) => !p.init).map((p) => [p.key, p.value]));
}
