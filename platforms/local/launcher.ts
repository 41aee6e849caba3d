import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { WorkerData } from './worker-contract.js';

export type LaunchRequest =
  | { readonly kind: 'start'; readonly id: number; readonly workerData: WorkerData; readonly env: Record<string, string>; readonly memoryMB: number; readonly logs: 'ignore' | 'inherit' }
  | { readonly kind: 'terminate'; readonly id: number };

/** How a worker ended: its exit code, and the error it ended with, as plain data. */
export interface LauncherReport {
  readonly id: number;
  readonly code: number;
  readonly error: { readonly name: string; readonly message: string; readonly code?: string | undefined; readonly stack?: string | undefined } | undefined;
}

export interface LaunchSpec {
  readonly entry: string;
  readonly entryPoint: string;
  readonly logs: 'ignore' | 'inherit';
  readonly children: SharedArrayBuffer;
  readonly env: Record<string, string>;
  readonly memoryMB: number;
}

/** The host's side of a worker thread the launcher started. */
export interface LaunchedWorker {
  /** The host's end of the worker's channel; unref'd. */
  readonly port: MessagePort;
  /** Ends the worker; resolves once it has exited. */
  terminate(): Promise<void>;
}

const LAUNCHER_SCRIPT = new URL('./launcher-thread.js', import.meta.url);

/**
 * One thread per process that starts and ends the worker threads of every Node.js instance.
 * `new Worker` costs the thread that calls it tens of milliseconds (more under load), and a
 * hundred cold starts at once would stall the host's event loop for seconds; here the host
 * only posts a message and gets a MessagePort to the new worker. The launcher is unref'd except
 * while a termination is pending, so that whoever awaits an instance's end sees it.
 */
class Launcher {
  readonly #thread: Worker;
  readonly #exits = new Map<number, (report: LauncherReport) => void>();
  #nextId = 1;
  #terminating = 0;

  constructor(onGone: () => void) {
    this.#thread = new Worker(LAUNCHER_SCRIPT, { execArgv: [] });
    this.#thread.on('message', (report: LauncherReport) => {
      const exited = this.#exits.get(report.id);
      this.#exits.delete(report.id);
      exited?.(report);
    });
    this.#thread.on('exit', () => {
      onGone();
      const report = { code: 1, error: { name: 'Error', message: "the local platform's launcher thread ended" } };
      for (const [id, exited] of this.#exits) exited({ id, ...report });
      this.#exits.clear();
    });
    this.#thread.unref();
  }

  launch(spec: LaunchSpec, exited: (report: LauncherReport) => void): LaunchedWorker {
    const id = this.#nextId++;
    const { port1, port2 } = new MessageChannel();
    let ended: Promise<void> | undefined;
    let terminated: (() => void) | undefined;
    this.#exits.set(id, (report) => {
      terminated?.();
      exited(report);
    });
    const { entry, entryPoint, logs, children, env, memoryMB } = spec;
    const request: LaunchRequest = { kind: 'start', id, workerData: { entry, entryPoint, logs, children, port: port2 }, env, memoryMB, logs };
    this.#thread.postMessage(request, [port2]);
    return {
      port: port1,
      terminate: () => {
        ended ??= this.#exits.has(id)
          ? new Promise<void>((resolve) => {
              terminated = () => {
                if (--this.#terminating === 0) this.#thread.unref();
                resolve();
              };
              if (this.#terminating++ === 0) this.#thread.ref();
              this.#thread.postMessage({ kind: 'terminate', id } satisfies LaunchRequest);
            })
          : Promise.resolve();
        return ended;
      },
    };
  }
}

let launcher: Launcher | undefined;

/** Starts a worker thread for an instance, through the process's launcher thread (started on first use). */
export function launchWorker(spec: LaunchSpec, exited: (report: LauncherReport) => void): LaunchedWorker {
  launcher ??= new Launcher(() => {
    launcher = undefined;
  });
  return launcher.launch(spec, exited);
}
