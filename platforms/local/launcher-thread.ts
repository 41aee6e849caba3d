/**
 * Runs inside the launcher thread (see launcher.ts): starts and ends the worker threads of
 * Node.js instances, so that the host's event loop never pays for `new Worker` or `terminate`.
 */
import { parentPort, Worker } from 'node:worker_threads';
import type { LaunchRequest, LauncherReport } from './launcher.js';

if (!parentPort) throw new Error('launcher-thread.js runs only as the local platform\'s launcher thread');
const host = parentPort;
/** Bundled as CommonJS by the build (scripts/bundle-runners.mjs) from worker.ts. */
const WORKER_SCRIPT = new URL('./worker.cjs', import.meta.url);
const workers = new Map<number, Worker>();

host.on('message', (request: LaunchRequest) => {
  if (request.kind === 'terminate') {
    void workers.get(request.id)?.terminate();
    return;
  }
  const { id, workerData, env, memoryMB, logs } = request;
  let error: LauncherReport['error'];
  const worker = new Worker(WORKER_SCRIPT, {
    workerData,
    transferList: [workerData.port],
    // A clean runtime, as on a FaaS: the host's own flags (--input-type, --import, ...) stay out.
    execArgv: [],
    env,
    resourceLimits: { maxOldGenerationSizeMb: memoryMB },
    // Ignored output is dropped inside the worker (see worker.ts), never read here.
    stdout: logs === 'ignore',
    stderr: logs === 'ignore',
  });
  workers.set(id, worker);
  worker.on('error', ({ name, message, code, stack }: Error & { code?: string }) => {
    error = { name, message, code, stack };
  });
  worker.on('exit', (code) => {
    workers.delete(id);
    const report: LauncherReport = { id, code, error };
    host.postMessage(report);
  });
});
