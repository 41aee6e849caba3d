/**
 * What the host and a Node.js instance's worker thread agree on. A module of its own, importing
 * no value, because the worker's runner is bundled as CommonJS (scripts/bundle-runners.mjs) and
 * must not pull in the launcher, which reads `import.meta`.
 */
import type { MessagePort } from 'node:worker_threads';

/** What a Node.js instance's worker thread is started with. */
export interface WorkerData {
  readonly entry: string;
  readonly entryPoint: string;
  readonly logs: 'ignore' | 'inherit';
  /** Where the worker keeps the pids of the function's child processes (see children.ts). */
  readonly children: SharedArrayBuffer;
  /** The worker's end of its channel to the host: calls in, replies out. */
  readonly port: MessagePort;
}

/**
 * What the host posts on an instance's port to have its worker end itself at once, without a round
 * trip through the launcher thread (calls are JSON text, never null). A worker busy in a call
 * cannot read it: the launcher's terminate ends that one.
 */
export const STOP_WORKER = null;
