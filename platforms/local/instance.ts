import type { Reply } from './protocol.js';

/**
 * One function instance: a worker thread or a python process, loading the action once and then
 * running one call at a time.
 */
export interface Instance {
  /** Starts the instance and loads the action; rejects with a DeploymentError when it cannot load. */
  start(): Promise<void>;
  /** Sends one call's arguments as JSON text; the reply arrives through the handlers. */
  send(args: string): void;
  /** Ends the instance at once; resolves when it is gone. Idempotent. */
  kill(): Promise<void>;
}

/** How an instance ended when nobody asked it to (a crash, out of memory, an exit in the action). */
export interface Crash {
  readonly message: string;
  readonly errorType?: string;
  /** The instance ended for want of memory (its heap limit, or a V8 out-of-memory abort). */
  readonly outOfMemory?: boolean;
  readonly cause?: unknown;
}

export interface InstanceHandlers {
  reply(reply: Reply): void;
  crashed(crash: Crash): void;
}

/** What every instance of one deployment is started with. */
export interface InstanceSpec {
  /** The deployment's name, for messages. */
  readonly name: string;
  /** The function's working directory. */
  readonly dir: string;
  /** The absolute path of the file holding the entry point. */
  readonly entry: string;
  readonly entryPoint: string;
  readonly memoryMB: number;
  readonly env: Readonly<Record<string, string>>;
  readonly logs: 'ignore' | 'inherit';
  readonly python: string;
}

export type InstanceFactory = (handlers: InstanceHandlers) => Instance;

/** The variables a function sees besides its own: enough to find programs and files, no secrets. */
const PASSED_THROUGH = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TZ', 'SYSTEMROOT'];

export function functionEnv(own: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_THROUGH) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return Object.assign(env, own);
}

export function memoryMessage(name: string, memoryMB: number, detail: string): string {
  return `function "${name}" ran out of memory: it exceeded its memory limit of ${memoryMB} MB (${detail}); its instance was replaced`;
}
