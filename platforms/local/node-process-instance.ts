import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DeploymentError } from '../../src/index.js';
import { Channel } from './channel.js';
import { functionEnv, memoryMessage, type Crash, type Instance, type InstanceHandlers, type InstanceSpec } from './instance.js';
import type { InitMessage } from './protocol.js';

const RUNNER = fileURLToPath(new URL('./node-process-runner.js', import.meta.url));

/**
 * Caps the process's data segment (RLIMIT_DATA: its heap and every private writable mapping, the
 * V8 heap, Buffers and native allocations included) at $0 KiB, then becomes node. Where setpriv
 * is installed, the process is also killed when the host dies, even while main is busy.
 */
const LAUNCH = 'ulimit -d "$0" || exit 1; if command -v setpriv >/dev/null 2>&1; then exec setpriv --pdeathsig KILL -- "$@"; fi; exec "$@"';

/** How much of the end of stderr is kept, to tell an out-of-memory abort from another crash. */
const STDERR_TAIL_BYTES = 4096;
const V8_OUT_OF_MEMORY = /FATAL ERROR: ([^\n]*out of memory)|Fatal process out of memory: ([^\n]*)/;

/**
 * A Node.js instance in a node process of its own (`isolation: 'process'`): the function's memory
 * limit covers everything the process allocates, not only the V8 heap. It speaks the same frames
 * as a Python instance. The process and its pipes are unref'd: only a call in flight (its
 * timeout timer) keeps the host alive.
 */
export class NodeProcessInstance implements Instance {
  readonly #spec: InstanceSpec;
  readonly #handlers: InstanceHandlers;
  #child: ChildProcess | undefined;
  #channel: Channel | undefined;
  #starting: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #closed: Promise<void> = Promise.resolve();
  #stderrTail = Buffer.alloc(0);
  #broken: Error | undefined;
  #killed = false;

  constructor(spec: InstanceSpec, handlers: InstanceHandlers) {
    this.#spec = spec;
    this.#handlers = handlers;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#starting = { resolve, reject };
      const { dir, entry, entryPoint, memoryMB, logs } = this.#spec;
      const node = [process.execPath, `--max-old-space-size=${memoryMB}`, RUNNER, entry, entryPoint];
      const child = spawn('/bin/sh', ['-c', LAUNCH, String(memoryMB * 1024), ...node], {
        cwd: dir,
        env: functionEnv(this.#spec.env),
        stdio: ['ignore', logs, 'pipe', 'pipe', 'pipe'],
      });
      this.#child = child;
      this.#closed = new Promise((done) => child.once('close', done)).then(this.#onClose);
      child.on('error', (error) => this.#onBroken(error));
      const stderr = child.stdio[2] as Socket;
      stderr.on('data', this.#onStderr);
      this.#channel = new Channel(child.stdio[3] as Socket, child.stdio[4] as Socket, {
        init: this.#onInit,
        reply: (reply) => this.#handlers.reply(reply),
        broken: this.#onBroken,
      });
      child.unref();
      stderr.unref();
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

  readonly #onBroken = (error: Error): void => {
    this.#broken = error;
    this.#child?.kill('SIGKILL');
  };

  /** Passes the function's stderr on when logs are inherited, keeping its tail either way. */
  readonly #onStderr = (chunk: Buffer): void => {
    if (this.#spec.logs === 'inherit') process.stderr.write(chunk);
    const tail = Buffer.concat([this.#stderrTail, chunk]);
    this.#stderrTail = tail.subarray(Math.max(0, tail.length - STDERR_TAIL_BYTES));
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
    const { name, memoryMB } = this.#spec;
    if (this.#broken) return { message: `the node process of function "${name}" failed: ${this.#broken.message}; it was ended`, cause: this.#broken };
    const outOfMemory = V8_OUT_OF_MEMORY.exec(this.#stderrTail.toString('utf8'));
    if (outOfMemory) return { message: memoryMessage(name, memoryMB, outOfMemory[1] ?? outOfMemory[2]!), errorType: 'RangeError' };
    const signal = this.#child?.signalCode;
    const how = signal ? `was killed by ${signal}` : `exited with code ${this.#child?.exitCode}`;
    return { message: `the node process of function "${name}" ${how} before answering` };
  }
}
