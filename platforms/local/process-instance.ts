import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { DeploymentError } from '../../src/errors.js';
import { Channel } from './channel.js';
import type { Crash, Instance, InstanceHandlers, InstanceSpec } from './instance.js';
import { killGroup } from './process-group.js';
import type { InitMessage } from './protocol.js';

/**
 * An instance that is a process of its own (a Python one, or a Node.js one under `isolation:
 * 'process'`), speaking the frames of channel.ts on its fds 3 and 4. The process and its pipes
 * are unref'd: only a call in flight (its timeout timer) keeps the host alive.
 */
export abstract class ProcessInstance implements Instance {
  protected readonly spec: InstanceSpec;
  readonly #handlers: InstanceHandlers;
  #child: ChildProcess | undefined;
  #channel: Channel | undefined;
  #starting: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #closed: Promise<void> = Promise.resolve();
  #error: Error | undefined;
  #broken: Error | undefined;
  #killed = false;

  constructor(spec: InstanceSpec, handlers: InstanceHandlers) {
    this.spec = spec;
    this.#handlers = handlers;
  }

  /** What the process is, for messages: "the python process". */
  protected abstract readonly what: string;
  /** Starts the process, with pipes on fds 3 (calls) and 4 (replies). */
  protected abstract spawn(): ChildProcess;
  /** Why the process ended when nobody asked it to; `error` is the spawn's, if it failed. */
  protected abstract crash(child: ChildProcess, error: Error | undefined): Crash;

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#starting = { resolve, reject };
      const child = this.spawn();
      this.#child = child;
      // Spawned as a group leader (detached): once it has gone, so must every process its function started.
      this.#closed = new Promise((done) => child.once('close', done))
        .then(this.#onClose)
        .then(() => (child.pid === undefined ? undefined : killGroup(child.pid)));
      child.on('error', (error) => {
        this.#error = error;
      });
      this.#channel = new Channel(child.stdio[3] as Socket, child.stdio[4] as Socket, {
        init: this.#onInit,
        reply: (reply) => this.#handlers.reply(reply),
        broken: this.#onBroken,
      });
      this.#ref(false);
    });
  }

  send(args: string): void {
    this.#channel?.send(args);
  }

  kill(): Promise<void> {
    if (!this.#killed) {
      this.#killed = true;
      this.#starting?.reject(new DeploymentError(`an instance of function "${this.spec.name}" was ended while starting`));
      this.#starting = undefined;
      // Ref'd again so that whoever awaits the kill sees the process reaped and its pipes closed.
      this.#ref(true);
      this.#child?.kill('SIGKILL');
    }
    return this.#closed;
  }

  #ref(ref: boolean): void {
    const child = this.#child;
    if (!child) return;
    for (const handle of [child, ...child.stdio]) {
      const socket = handle as Partial<Pick<Socket, 'ref' | 'unref'>> | null;
      if (ref) socket?.ref?.();
      else socket?.unref?.();
    }
  }

  readonly #onInit = (init: InitMessage): void => {
    const starting = this.#starting;
    this.#starting = undefined;
    if (init.init) starting?.resolve();
    else starting?.reject(new DeploymentError(`function "${this.spec.name}" cannot start: ${init.message}`));
  };

  /** The runner sent what it never sends: end the process, and say why when it has gone. */
  readonly #onBroken = (error: Error): void => {
    this.#broken = error;
    this.#child?.kill('SIGKILL');
  };

  readonly #onClose = (): void => {
    if (this.#killed) return;
    this.#killed = true;
    const crash = this.#broken
      ? { message: `${this.what} of function "${this.spec.name}" broke the local platform's protocol (fds 3 and 4 carry falco's calls and replies): ${this.#broken.message}, so the instance could not send its result and was ended: write the function's output to stdout or stderr`, cause: this.#broken }
      : this.crash(this.#child!, this.#error);
    const starting = this.#starting;
    this.#starting = undefined;
    if (starting) starting.reject(new DeploymentError(`function "${this.spec.name}" cannot start: ${crash.message}`, { cause: crash.cause }));
    else this.#handlers.crashed(crash);
  };
}

/** How a process ended, for a crash message: "exited with code 1", "was killed by SIGSEGV". */
export function howItEnded(child: ChildProcess): string {
  return child.signalCode ? `was killed by ${child.signalCode}` : `exited with code ${child.exitCode}`;
}
