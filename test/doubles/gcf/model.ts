import { randomBytes, randomUUID } from 'node:crypto';
import type { FunctionHost } from './host.js';

export const FUNCTION_TYPE = 'type.googleapis.com/google.cloud.functions.v2.Function';
export const METADATA_TYPE = 'type.googleapis.com/google.cloud.functions.v2.OperationMetadata';
export const EMPTY_TYPE = 'type.googleapis.com/google.protobuf.Empty';

export type FunctionState = 'DEPLOYING' | 'ACTIVE' | 'FAILED' | 'DELETING';

/** Injected into a function's next calls, in order: an answer, a delay before the real answer, or a reset connection. */
export type Fault =
  | { readonly status: number; readonly body?: string; readonly headers?: Readonly<Record<string, string>> }
  | { readonly delayMs: number }
  | { readonly reset: true };

/** The `function` body of a create request, enums as names. */
export interface FunctionSpec {
  readonly buildConfig?: Readonly<Record<string, unknown>>;
  readonly serviceConfig?: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

/** A function as the double keeps it: the resource the client sent, plus what the service adds. */
export interface FunctionRecord {
  readonly id: string;
  /** `projects/{p}/locations/{l}/functions/{id}` */
  readonly resource: string;
  readonly location: string;
  readonly spec: FunctionSpec;
  readonly zip: Buffer;
  readonly createTime: string;
  updateTime: string;
  state: FunctionState;
  stateMessage?: string;
  uri?: string;
  host?: FunctionHost;
  dir?: string;
  inFlight: number;
  readonly faults: Fault[];
}

export interface OperationRecord {
  readonly name: string;
  readonly verb: 'create' | 'delete';
  readonly target: string;
  readonly createTime: string;
  readonly request?: Record<string, unknown>;
  endTime?: string;
  done: boolean;
  response?: Record<string, unknown>;
  error?: { code: number; message: string };
}

export function timestamp(): string {
  return new Date().toISOString();
}

export function operationName(location: string): string {
  return `${location}/operations/operation-${Date.now()}-${randomBytes(6).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

/** The function resource as the API answers it. */
export function functionJson(record: FunctionRecord): Record<string, unknown> {
  const { spec } = record;
  const serving = record.state === 'ACTIVE';
  return {
    ...spec,
    name: record.resource,
    buildConfig: {
      ...spec.buildConfig,
      build: `${record.location.replace(/^projects\/[^/]+/, 'projects/123456789012')}/builds/${randomUUID()}`,
      dockerRepository: `${record.location}/repositories/gcf-artifacts`,
    },
    serviceConfig: {
      availableMemory: '256M',
      timeoutSeconds: 60,
      maxInstanceCount: 100,
      ingressSettings: 'ALLOW_ALL',
      ...spec.serviceConfig,
      service: `${record.location}/services/${record.id}`,
      revision: `${record.id}-00001-${record.id.length.toString(36)}ab`,
      availableCpu: '0.1666',
      maxInstanceRequestConcurrency: 1,
      ...(serving && record.uri ? { uri: record.uri } : {}),
    },
    state: record.state,
    ...(record.stateMessage ? { stateMessages: [{ severity: 'ERROR', type: 'CloudRunServiceNotReady', message: record.stateMessage }] } : {}),
    environment: 'GEN_2',
    createTime: record.createTime,
    updateTime: record.updateTime,
    ...(serving && record.uri ? { url: record.uri } : {}),
  };
}

/** A long-running operation as `google.longrunning.Operation` in JSON, `@type` fields included. */
export function operationJson(op: OperationRecord): Record<string, unknown> {
  const stage = (name: string): Record<string, unknown> => ({ name, state: op.done ? 'COMPLETE' : 'IN_PROGRESS' });
  return {
    name: op.name,
    metadata: {
      '@type': METADATA_TYPE,
      createTime: op.createTime,
      ...(op.endTime ? { endTime: op.endTime } : {}),
      target: op.target,
      verb: op.verb,
      cancelRequested: false,
      apiVersion: 'v2',
      ...(op.request ? { requestResource: { '@type': FUNCTION_TYPE, ...op.request } } : {}),
      ...(op.verb === 'create' ? { stages: [stage('BUILD'), stage('SERVICE')] } : {}),
      operationType: op.verb === 'create' ? 'CREATE_FUNCTION' : 'DELETE_FUNCTION',
    },
    done: op.done,
    ...(op.error ? { error: op.error } : {}),
    ...(op.response ? { response: op.response } : {}),
  };
}
