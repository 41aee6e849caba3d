import { DeploymentError } from '../../src/errors.js';
import { childrenBuffer, trackedChildren } from './children.js';
import { functionEnv, memoryMessage, type Crash, type Instance, type InstanceHandlers, type InstanceSpec } from './instance.js';
import { launchWorker, type LaunchedWorker, type LauncherReport } from './launcher.js';
import { decodeInit, decodeReply, protocolBroken } from './messages.js';
import { killGroup } from './process-group.js';

/** Where the worker answers: the function can reach it too (see messages.ts). */
const CHANNEL = "the worker thread's parentPort";

/**
 * A Node.js instance: a worker thread with the function's memory limit and environment, started
 * and ended by the launcher thread (see launcher.ts). Its port is unref'd: only a call in flight
 * (its timeout timer) keeps the process alive.
 */
export class NodeInstance implements Instance {
  readonly #spec: InstanceSpec;
  readonly #handlers: InstanceHandlers;
  #worker: LaunchedWorker | undefined;
  #starting: { resolve: () => void; reject: (error: Error) => void } | undefined;
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
      const { entry, entryPoint, logs, memoryMB } = this.#spec;
      const worker = launchWorker({ entry, entryPoint, logs, children: this.#children, env: functionEnv(this.#spec.env), memoryMB }, this.#onExit);
      this.#worker = worker;
      worker.port.on('message', this.#onMessage);
      worker.port.unref(); // after the listener: adding a 'message' listener refs the port again
    });
  }

  send(args: string): void {
    this.#worker?.port.postMessage(args);
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
      this.#worker.port.close();
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

  readonly #onExit = ({ code, error }: LauncherReport): void => {
    if (this.#killed) return;
    this.#killed = true;
    this.#worker?.port.close();
    const crash = this.#crash(code, error && Object.assign(new Error(error.message), error));
    const starting = this.#starting;
    this.#starting = undefined;
    if (starting) starting.reject(new DeploymentError(`function "${this.#spec.name}" cannot start: ${crash.message}`, { cause: crash.cause }));
    else this.#handlers.crashed(crash);
  };

  #crash(code: number, error: (Error & { code?: string }) | undefined): Crash {
    if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return { message: memoryMessage(this.#spec.name, this.#spec.memoryMB, 'JavaScript heap out of memory'), errorType: 'RangeError', outOfMemory: true, cause: error };
    }
    if (error) return { message: error.message, errorType: error.name, cause: error };
    return { message: `the instance of function "${this.#spec.name}" exited with code ${code} before answering` };
  }
}
