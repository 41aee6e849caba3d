import { randomBytes } from 'node:crypto';

export interface KeyValue {
  readonly key: string;
  readonly value: unknown;
  readonly init?: boolean;
}

export interface Limits {
  readonly timeout: number;
  readonly memory: number;
  readonly logs: number;
  readonly concurrency: number;
}

/** An action as the double keeps it. A PUT replaces the object, so identity marks a version. */
export interface Action {
  readonly namespace: string;
  readonly name: string;
  readonly exec: { readonly kind: string; readonly code: string; readonly binary: boolean; readonly main?: string };
  readonly limits: Limits;
  readonly parameters: readonly KeyValue[];
  readonly annotations: readonly KeyValue[];
  readonly updated: number;
}

export type ActivationStatus = 'success' | 'application error' | 'action developer error' | 'whisk internal error';

export interface Activation {
  readonly activationId: string;
  readonly namespace: string;
  readonly name: string;
  readonly subject: string;
  readonly version: string;
  readonly publish: false;
  readonly start: number;
  readonly end: number;
  readonly duration: number;
  readonly response: { readonly status: ActivationStatus; readonly success: boolean; readonly result: object };
  readonly logs: string[];
  readonly annotations: KeyValue[];
}

export const DEFAULT_LIMITS: Limits = { timeout: 60_000, memory: 256, logs: 10, concurrency: 1 };

/** OpenWhisk's activation ids: 32 hex digits. */
export function newActivationId(): string {
  return randomBytes(16).toString('hex');
}

/** The action as `GET .../actions/{name}` shows it; without its code for `?code=false`. */
export function actionJson(action: Action, withCode: boolean): object {
  const { code, ...exec } = action.exec;
  return {
    namespace: action.namespace,
    name: action.name,
    version: '0.0.1',
    publish: false,
    exec: withCode ? { ...exec, code } : exec,
    limits: action.limits,
    parameters: action.parameters,
    annotations: action.annotations,
    updated: action.updated,
  };
}

/** The entry of an action in `GET .../actions`. */
export function actionSummary(action: Action): object {
  return {
    namespace: action.namespace,
    name: action.name,
    version: '0.0.1',
    publish: false,
    exec: { binary: action.exec.binary },
    limits: action.limits,
    annotations: action.annotations,
    updated: action.updated,
  };
}

export interface RunReport {
  readonly status: ActivationStatus;
  readonly result: object;
  /** Wall-clock epoch milliseconds. */
  readonly start: number;
  readonly end: number;
  /** Present on a cold start: the time spent initialising the action. */
  readonly initTime?: number;
  readonly timedOut: boolean;
}

/** An activation record shaped like OpenWhisk's (`toExtendedJson`). */
export function activationRecord(
  action: Action,
  activationId: string,
  subject: string,
  report: RunReport,
  waitTime: number,
): Activation {
  const annotations: KeyValue[] = [
    { key: 'path', value: `${action.namespace}/${action.name}` },
    { key: 'waitTime', value: waitTime },
    { key: 'kind', value: action.exec.kind },
    { key: 'timeout', value: report.timedOut },
    { key: 'limits', value: action.limits },
  ];
  if (report.initTime !== undefined) annotations.push({ key: 'initTime', value: report.initTime });
  return {
    activationId,
    namespace: action.namespace,
    name: action.name,
    subject,
    version: '0.0.1',
    publish: false,
    start: report.start,
    end: report.end,
    duration: report.end - report.start,
    response: { status: report.status, success: report.status === 'success', result: report.result },
    logs: [],
    annotations,
  };
}
