import { DEFAULT_LIMITS, actionJson, actionSummary, type Action, type KeyValue, type Limits } from './entities.js';
import { BadRequest, errorBody } from './http.js';
import type { DoubleState, Reply } from './state.js';

export const NOT_FOUND: Reply = { status: 404, body: errorBody('The requested resource does not exist.') };

/** `PUT .../actions/{name}[?overwrite=true]`: creates or replaces an action, checked as OpenWhisk checks it. */
export async function putAction(state: DoubleState, name: string, body: unknown, overwrite: boolean): Promise<Reply> {
  const existing = state.actions.get(name);
  if (existing && !overwrite) return { status: 409, body: errorBody('resource already exists') };
  const content = asObject(body ?? {});
  const exec = (content.exec ?? existing?.exec) as Action['exec'] | undefined;
  if (!exec) throw new BadRequest('exec undefined');
  if (!state.kinds.includes(exec.kind)) throw new BadRequest(`The request content was malformed:\nkind '${exec.kind}' not in Set(${state.kinds.join(', ')})`);
  if (typeof exec.code !== 'string') throw new BadRequest('The request content was malformed:\nexec.code must be a string');
  const limits: Limits = { ...DEFAULT_LIMITS, ...existing?.limits, ...asObject(content.limits ?? {}) };
  checkLimits(state, limits);
  const action: Action = {
    namespace: state.namespace,
    name,
    exec: { kind: exec.kind, code: exec.code, binary: exec.binary === true, ...(exec.main ? { main: exec.main } : {}) },
    limits,
    parameters: keyValues(content.parameters ?? existing?.parameters ?? []),
    annotations: [...keyValues(content.annotations ?? []).filter((a) => a.key !== 'exec'), { key: 'exec', value: exec.kind }],
    updated: Date.now(),
  };
  state.actions.set(name, action);
  if (existing) await state.runner.forget(existing);
  return { status: 200, body: actionJson(action, true) };
}

export function getAction(state: DoubleState, name: string, withCode: boolean): Reply {
  const action = state.actions.get(name);
  return action ? { status: 200, body: actionJson(action, withCode) } : NOT_FOUND;
}

export async function deleteAction(state: DoubleState, name: string): Promise<Reply> {
  const action = state.actions.get(name);
  if (!action) return NOT_FOUND;
  state.actions.delete(name);
  await state.runner.forget(action);
  return { status: 200, body: actionJson(action, false) };
}

/** `GET .../actions?skip&limit`: OpenWhisk pages lists, 30 by default and at most 200. */
export function listActions(state: DoubleState, skip: number, limit: number): Reply {
  if (limit > 200) throw new BadRequest('The request content was malformed:\nlimit must be at most 200');
  const page = [...state.actions.values()].slice(skip, skip + limit);
  return { status: 200, body: page.map(actionSummary) };
}

function checkLimits(state: DoubleState, limits: Limits): void {
  const { min, max } = state.memoryMB;
  if (!Number.isInteger(limits.memory) || limits.memory < min) throw new BadRequest(`memory ${limits.memory} MB below allowed threshold of ${min} MB`);
  if (limits.memory > max) throw new BadRequest(`memory ${limits.memory} MB exceeds allowed threshold of ${max} MB`);
  if (!Number.isInteger(limits.timeout) || limits.timeout < 100 || limits.timeout > 300_000) {
    throw new BadRequest(`duration ${limits.timeout} milliseconds is outside the allowed range of 100 to 300000 milliseconds`);
  }
  if (!Number.isInteger(limits.concurrency) || limits.concurrency < 1 || limits.concurrency > 500) {
    throw new BadRequest(`concurrency ${limits.concurrency} is outside the allowed range of 1 to 500`);
  }
}

function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BadRequest('The request content was malformed:\nexpected a JSON object');
  return value as Record<string, unknown>;
}

function keyValues(value: unknown): KeyValue[] {
  if (!Array.isArray(value) || !value.every((p) => typeof (p as KeyValue | null)?.key === 'string' && 'value' in (p as object))) {
    throw new BadRequest('The request content was malformed:\nparameters must be an array of { key, value }');
  }
  return value as KeyValue[];
}
