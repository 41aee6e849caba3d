import { Worker } from 'node:worker_threads';
import { DeploymentError } from '../../src/errors.js';
import { childrenBuffer, trackedChildren } from './children.js';
import { functionEnv, memoryMessage, type Crash, type Instance, type InstanceHandlers, type InstanceSpec } from './instance.js';
import { decodeInit, decodeReply, protocolBroken } from './messages.js';
import { killGroup } from './process-group.js';

export interface WorkerData {
  readonly entry: string;
  readonly entryPoint: string;
  readonly logs: 'ignore' | 'inherit';
  /** Where the worker keeps the pids of the function's child processes (see children.ts). */
  readonly children: SharedArrayBuffer;
}

const WORKER_SCRIPT = new URL('./worker.js', import.meta.url);
/** Where the worker answers: the function can reach it too (see messages.ts). */
const CHANNEL = "the worker thread's parentPort";

/**
 * A Node.js instance: a worker thread with the function's memory limit and environment. The
 * worker is unref'd: only a call in flight (its timeout timer) keeps the process alive.
 */
export class NodeInstance implements Instance {
  readonly #spec: InstanceSpec;
  readonly #handlers: InstanceHandlers;
  #worker: Worker | undefined;
  #starting: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #error: Error | undefined;
  #killed = false;
  #ended: Promise<void> | undefined;
  readonly #children = childrenBuffer();

  constructor(spec: InstanceSpec, handlers: InstanceHandlers) {
    this.#spec = spec;
    this.#handlers = handlers;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#starting = { resolve, reject };
      const { entry, entryPoint, logs } = this.#spec;
      const data: WorkerData = { entry, entryPoint, logs, children: this.#children };
      const worker = new Worker(WORKER_SCRIPT, {
        workerData: data,
        // A clean runtime, as on a FaaS: the host's own flags (--input-type, --import, ...) stay out.
        execArgv: [],
        env: functionEnv(this.#spec.env),
        resourceLimits: { maxOldGenerationSizeMb: this.#spec.memoryMB },
        // Ignored output is dropped inside the worker (see worker.ts): reading worker.stdout here
        // would ref the worker's port and keep the process alive for as long as the worker lives.
        stdout: logs === 'ignore',
        stderr: logs === 'ignore',
      });
      this.#worker = worker;
      worker.on('message', this.#onMessage);
      worker.on('error', this.#onError);
      worker.on('exit', this.#onExit);
      worker.unref(); // after the listeners: adding a 'message' listener refs the worker's port again
    });
  }

  send(args: string): void {
    this.#worker?.postMessage(args);
  }

  /** Ends the worker (if it still runs) and the function's child processes; also after a crash. */
  kill(): Promise<void> {
    this.#ended ??= this.#end();
    return this.#ended;
  }

  async #end(): Promise<void> {
    this.#killed = true;
    this.#starting?.reject(new DeploymentError(`an instance of function "${this.#spec.name}" was ended while starting`));
    this.#starting = undefined;
    if (this.#worker) {
      this.#worker.ref(); // so that whoever awaits the kill sees the thread gone
      await this.#worker.terminate();
    }
    await Promise.all(trackedChildren(this.#children).map(killGroup));
  }

  readonly #onMessage = (message: unknown): void => {
    if (this.#starting === undefined) {
      const reply = decodeReply(message);
      if (reply) this.#handlers.reply(reply);
      else this.#handlers.crashed(protocolBroken(this.#spec.name, CHANNEL, message));
      return;
    }
    const init = decodeInit(message);
    const starting = this.#starting;
    this.#starting = undefined;
    if (init?.init) starting.resolve();
    else starting.reject(new DeploymentError(`function "${this.#spec.name}" cannot start: ${init?.message ?? protocolBroken(this.#spec.name, CHANNEL, message).message}`));
  };

  readonly #onError = (error: Error): void => {
    this.#error = error;
  };

  readonly #onExit = (code: number): void => {
    if (this.#killed) return;
    this.#killed = true;
    const crash = this.#crash(code);
    const starting = this.#starting;
    this.#starting = undefined;
    if (starting) starting.reject(new DeploymentError(`function "${this.#spec.name}" cannot start: ${crash.message}`, { cause: crash.cause }));
    else this.#handlers.crashed(crash);
  };

  #crash(code: number): Crash {
    const error = this.#error;
    if ((error as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return { message: memoryMessage(this.#spec.name, this.#spec.memoryMB, 'JavaScript heap out of memory'), errorType: 'RangeError', outOfMemory: true, cause: error };
    }
    if (error) return { message: error.message, errorType: error.name, cause: error };
    return { message: `the instance of function "${this.#spec.name}" exited with code ${code} before answering` };
  }
}
