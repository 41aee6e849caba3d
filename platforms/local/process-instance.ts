import { spawn, type ChildProcess, type IOType } from 'node:child_process';
import type { Socket } from 'node:net';
import { Channel } from './channel.js';
import { functionEnv, type Crash, type Instance, type InstanceHandlers, type InstanceSpec } from './instance.js';
import { killGroup } from './process-group.js';
import { Startup } from './startup.js';

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
  readonly #startup: Startup;
  #closed: Promise<void> = Promise.resolve();
  #error: Error | undefined;
  #broken: Error | undefined;
  #killed = false;

  constructor(spec: InstanceSpec, handlers: InstanceHandlers) {
    this.spec = spec;
    this.#handlers = handlers;
    this.#startup = new Startup(spec.name);
  }

  /** What the process is, for messages: "the python process". */
  protected abstract readonly what: string;
  /** Starts the process, with `spawnRunner`. */
  protected abstract spawn(): ChildProcess;
  /** Why the process ended when nobody asked it to; `error` is the spawn's, if it failed. */
  protected abstract crash(child: ChildProcess, error: Error | undefined): Crash;

  start(): Promise<void> {
    const started = this.#startup.begin();
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
      init: (init) => this.#startup.init(init),
      reply: (reply) => this.#handlers.reply(reply),
      broken: this.#onBroken,
    });
    this.#ref(false);
    return started;
  }

  /**
   * Starts `program` in the function's directory and environment, with pipes on fds 3 (calls) and
   * 4 (replies), as its own process group (and session): a terminal's Ctrl-C reaches the host,
   * which aborts the run, not the function; and the instance ends with every process its
   * function started.
   */
  protected spawnRunner(program: string, args: readonly string[], stderr: IOType): ChildProcess {
    const { dir, env, logs } = this.spec;
    return spawn(program, args, { cwd: dir, env: functionEnv(env), stdio: ['ignore', logs, stderr, 'pipe', 'pipe'], detached: true });
  }

  send(args: string): void {
    this.#channel?.send(args);
  }

  kill(): Promise<void> {
    if (!this.#killed) {
      this.#killed = true;
      this.#startup.killed();
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
    if (!this.#startup.ended(crash)) this.#handlers.crashed(crash);
  };
}

/** How a process ended, for a crash message: "exited with code 1", "was killed by SIGSEGV". */
export function howItEnded(child: ChildProcess): string {
  return child.signalCode ? `was killed by ${child.signalCode}` : `exited with code ${child.exitCode}`;
}
