import type { Deployable } from '../../src/deployable.js';
import type { Deployment } from '../../src/platform.js';
import { parseRuntimeId, type Language } from '../../src/runtime.js';
import { codeFile, codeFiles, DEFAULT_ENTRY_FILE, type CodeFiles } from '../shared/package.js';
import { zipCode } from '../../src/zip.js';

interface KeyValue {
  readonly key: string;
  readonly value: unknown;
  /** Offered to the action only when it initialises, as an environment variable. */
  readonly init?: boolean;
}

/** The body of `PUT /namespaces/{ns}/actions/{name}`. */
export interface ActionBody {
  readonly exec: { readonly kind: string; readonly code: string; readonly binary: boolean; readonly main: string };
  readonly limits: { readonly memory: number; readonly timeout: number; readonly concurrency?: number };
  readonly parameters: KeyValue[];
  readonly annotations: KeyValue[];
}

/** An action as `GET /namespaces/{ns}/actions/{name}` returns it (the fields falco reads). */
export interface StoredAction {
  readonly name: string;
  readonly exec?: { readonly kind?: string };
  readonly limits?: { readonly memory?: number; readonly timeout?: number };
  readonly annotations?: readonly KeyValue[];
}

/** Kept on the action so that `fetchDeployment` knows it again. */
const IDEMPOTENT_ANNOTATION = 'falco-idempotent';

/** OpenWhisk's defaults for an action that sets no limits. */
const DEFAULT_LIMITS = { memory: 256, timeout: 60_000 };

/**
 * The action for a deployable: the runtime identifier is the action kind (an unknown one is a
 * ConfigError); inline code for source and single files, a base64 zip (`exec.binary`) otherwise.
 */
export async function actionBody(deployable: Deployable, actionConcurrency: number | undefined): Promise<ActionBody> {
  const { language } = parseRuntimeId(deployable.runtime);
  return {
    exec: { kind: deployable.runtime, ...(await actionCode(deployable, language)), main: deployable.entryPoint },
    limits: {
      memory: deployable.memoryMB,
      timeout: deployable.timeoutMs,
      ...(actionConcurrency === undefined ? {} : { concurrency: actionConcurrency }),
    },
    parameters: [
      ...Object.entries(deployable.params).map(([key, value]) => ({ key, value })),
      ...Object.entries(deployable.env).map(([key, value]) => ({ key, value, init: true })),
    ],
    annotations: [{ key: IDEMPOTENT_ANNOTATION, value: deployable.idempotent }],
  };
}

export function deploymentOf(action: StoredAction): Deployment {
  return {
    name: action.name,
    platform: 'openwhisk',
    runtime: action.exec?.kind ?? 'unknown',
    memoryMB: action.limits?.memory ?? DEFAULT_LIMITS.memory,
    timeoutMs: action.limits?.timeout ?? DEFAULT_LIMITS.timeout,
    idempotent: action.annotations?.find((a) => a.key === IDEMPOTENT_ANNOTATION)?.value !== false,
  };
}

async function actionCode(deployable: Deployable, language: Language): Promise<{ code: string; binary: boolean }> {
  const code = await codeFiles(deployable);
  if ('source' in deployable.code || 'file' in deployable.code) {
    return { code: code.files.get(code.entryFile)!.toString('utf8'), binary: false };
  }
  const shim = await entryShim(code, deployable.entryPoint, language);
  // A zip that needs nothing added goes as it is.
  if ('zip' in deployable.code && shim.size === 0) return { code: Buffer.from(deployable.code.zip).toString('base64'), binary: true };
  return { code: (await zipCode(code, shim)).toString('base64'), binary: true };
}

/**
 * OpenWhisk starts a zipped Node.js action at its package's main file (`package.json`, else
 * `index.js`) and a Python one at `__main__.py`. When the entry file is another one and the
 * code has no such file, a small one pointing at the entry file is added.
 */
async function entryShim(code: CodeFiles, entryPoint: string, language: Language): Promise<Map<string, string>> {
  const { entryFile } = code;
  if (entryFile === DEFAULT_ENTRY_FILE[language]) return new Map();
  const [shim, content] =
    language === 'nodejs'
      ? ['package.json', JSON.stringify({ main: entryFile })]
      : ['__main__.py', `from ${entryFile.replace(/\.py$/, '').split('/').join('.')} import ${entryPoint}\n`];
  return (await codeFile(code, shim)) === undefined ? new Map([[shim, content]]) : new Map();
}
