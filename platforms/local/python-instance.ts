import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { DeploymentError } from '../../src/index.js';
import { Channel } from './channel.js';
import { functionEnv, type Crash, type Instance, type InstanceHandlers, type InstanceSpec } from './instance.js';
import { MAX_FRAME_BYTES, type InitMessage } from './protocol.js';
import { PYTHON_RUNNER } from './python-runner.js';

/**
 * A Python instance: a long-lived `python3 -u` process running the runner, which loads the action
 * and answers calls, each a frame of JSON (see channel.ts). The process and its pipes are
 * unref'd: only a call in flight (its timeout timer) keeps the host alive.
 */
export class PythonInstance implements Instance {
  readonly #spec: InstanceSpec;
  readonly #handlers: InstanceHandlers;
  #child: ChildProcess | undefined;
  #channel: Channel | undefined;
  #starting: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #closed: Promise<void> = Promise.resolve();
  #spawnError: Error | undefined;
  #broken: Error | undefined;
  #killed = false;

  constructor(spec: InstanceSpec, handlers: InstanceHandlers) {
    this.#spec = spec;
    this.#handlers = handlers;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#starting = { resolve, reject };
      const { dir, entry, entryPoint, memoryMB, logs, python } = this.#spec;
      const child = spawn(python, ['-u', '-c', PYTHON_RUNNER, entry, entryPoint, String(memoryMB * 1024 * 1024), String(MAX_FRAME_BYTES)], {
        cwd: dir,
        env: functionEnv(this.#spec.env),
        stdio: ['ignore', logs, logs, 'pipe', 'pipe'],
      });
      this.#child = child;
      this.#closed = new Promise((done) => child.once('close', done)).then(this.#onClose);
      child.on('error', (error) => {
        this.#spawnError = error;
      });
      this.#channel = new Channel(child.stdio[3] as Socket, child.stdio[4] as Socket, {
        init: this.#onInit,
        reply: (reply) => this.#handlers.reply(reply),
        broken: this.#onBroken,
      });
      child.unref();
      this.#channel.ref(false);
    });
  }

  send(args: string): void {
    this.#channel?.send(args);
  }

  kill(): Promise<void> {
    if (!this.#killed) {
      this.#killed = true;
      this.#starting?.reject(new DeploymentError(`an instance of function "${this.#spec.name}" was ended while starting`));
      this.#starting = undefined;
      // Ref'd again so that whoever awaits the kill sees the process reaped and its pipes closed.
      this.#child?.ref();
      this.#channel?.ref(true);
      this.#child?.kill('SIGKILL');
    }
    return this.#closed;
  }

  readonly #onInit = (init: InitMessage): void => {
    const starting = this.#starting;
    this.#starting = undefined;
    if (init.init) starting?.resolve();
    else starting?.reject(new DeploymentError(`function "${this.#spec.name}" cannot start: ${init.message}`));
  };

  /** The runner sent what it never sends: end the process, and say why when it has gone. */
  readonly #onBroken = (error: Error): void => {
    this.#broken = error;
    this.#child?.kill('SIGKILL');
  };

  readonly #onClose = (): void => {
    if (this.#killed) return;
    this.#killed = true;
    const crash = this.#crash();
    const starting = this.#starting;
    this.#starting = undefined;
    if (starting) starting.reject(new DeploymentError(`function "${this.#spec.name}" cannot start: ${crash.message}`, { cause: crash.cause }));
    else this.#handlers.crashed(crash);
  };

  #crash(): Crash {
    const { python, name } = this.#spec;
    if (this.#broken) return { message: `the python process of function "${name}" broke the local platform's protocol: ${this.#broken.message}; it was ended`, cause: this.#broken };
    if (this.#spawnError) {
      return {
        message: `cannot run "${python}" (${this.#spawnError.message}): install Python 3 or set the LocalPlatform option "python"`,
        cause: this.#spawnError,
      };
    }
    const signal = this.#child?.signalCode;
    if (signal === 'SIGKILL') {
      // Nobody here sent it (our own kills are not reported): the kernel's OOM killer sends SIGKILL.
      return { message: `the python process of function "${name}" was killed (SIGKILL) before answering, most likely for using too much memory (its limit is ${this.#spec.memoryMB} MB)` };
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${this.#child?.exitCode}`;
    return { message: `the python process of function "${name}" ${how} before answering` };
  }
}
