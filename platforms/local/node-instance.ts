import { childrenBuffer, trackedChildren } from './children.js';
import { functionEnv, memoryMessage, type Crash, type Instance, type InstanceHandlers, type InstanceSpec } from './instance.js';
import { launchWorker, type LaunchedWorker, type LauncherReport } from './launcher.js';
import { STOP_WORKER } from './worker-contract.js';
import { decodeInit, decodeReply, protocolBroken } from './messages.js';
import { killGroup } from './process-group.js';
import { Startup } from './startup.js';

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
  readonly #startup: Startup;
  #killed = false;
  #ended: Promise<void> | undefined;
  readonly #children = childrenBuffer();

  constructor(spec: InstanceSpec, handlers: InstanceHandlers) {
    this.#spec = spec;
    this.#handlers = handlers;
    this.#startup = new Startup(spec.name);
  }

  start(): Promise<void> {
    const started = this.#startup.begin();
    const { entry, entryPoint, logs, memoryMB } = this.#spec;
    const worker = launchWorker({ entry, entryPoint, logs, children: this.#children, env: functionEnv(this.#spec.env), memoryMB }, this.#onExit);
    this.#worker = worker;
    worker.port.on('message', this.#onMessage);
    worker.port.unref(); // after the listener: adding a 'message' listener refs the port again
    return started;
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
    this.#startup.killed();
    if (this.#worker) {
      this.#worker.port.postMessage(STOP_WORKER);
      this.#worker.port.close();
      await this.#worker.terminate();
    }
    await Promise.all(trackedChildren(this.#children).map(killGroup));
  }

  readonly #onMessage = (message: unknown): void => {
    if (this.#startup.pending) {
      this.#startup.init(decodeInit(message), () => protocolBroken(this.#spec.name, CHANNEL, message).message);
      return;
    }
    const reply = decodeReply(message);
    if (reply) this.#handlers.reply(reply);
    else this.#handlers.crashed(protocolBroken(this.#spec.name, CHANNEL, message));
  };

  readonly #onExit = ({ code, error }: LauncherReport): void => {
    if (this.#killed) return;
    this.#killed = true;
    this.#worker?.port.close();
    const crash = this.#crash(code, error && Object.assign(new Error(error.message), error));
    if (!this.#startup.ended(crash)) this.#handlers.crashed(crash);
  };

  #crash(code: number, error: (Error & { code?: string | undefined }) | undefined): Crash {
    if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return { message: memoryMessage(this.#spec.name, this.#spec.memoryMB, 'JavaScript heap out of memory'), errorType: 'RangeError', outOfMemory: true, cause: error };
    }
    if (error) return { message: error.message, errorType: error.name, cause: error };
    return { message: `the instance of function "${this.#spec.name}" exited with code ${code} before answering` };
  }
}
