import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { DeploymentError } from '../../src/index.js';
import { functionEnv, type Crash, type Instance, type InstanceHandlers, type InstanceSpec } from './instance.js';
import { killGroup } from './process-group.js';
import { decodeInit, decodeReply, protocolBroken } from './messages.js';
import { PYTHON_RUNNER } from './python-runner.js';

/** Where the runner answers: the function can write to it too (see messages.ts). */
const CHANNEL = 'fd 4';

/**
 * A Python instance: a long-lived `python3 -u` process running the runner, which loads the action
 * and answers calls as JSON lines. Calls go in on fd 3 and replies come back on fd 4, so the
 * function's own stdin, stdout and stderr never touch the protocol. The process and its pipes
 * are unref'd: only a call in flight (its timeout timer) keeps the host alive.
 */
export class PythonInstance implements Instance {
  readonly #spec: InstanceSpec;
  readonly #handlers: InstanceHandlers;
  #child: ChildProcess | undefined;
  #requests: Socket | undefined;
  #replies: Socket | undefined;
  #starting: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #closed: Promise<void> = Promise.resolve();
  #pending = '';
  #spawnError: Error | undefined;
  #killed = false;

  constructor(spec: InstanceSpec, handlers: InstanceHandlers) {
    this.#spec = spec;
    this.#handlers = handlers;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#starting = { resolve, reject };
      const { dir, entry, entryPoint, memoryMB, logs, python } = this.#spec;
      const child = spawn(python, ['-u', '-c', PYTHON_RUNNER, entry, entryPoint, String(memoryMB * 1024 * 1024)], {
        cwd: dir,
        env: functionEnv(this.#spec.env),
        stdio: ['ignore', logs, logs, 'pipe', 'pipe'],
        // Its own process group (and session): a terminal's Ctrl-C reaches the host, which aborts
        // the run, not the function; and the instance ends with every process its function started.
        detached: true,
      });
      this.#child = child;
      this.#closed = new Promise((done) => child.once('close', done))
        .then(this.#onClose)
        .then(() => (child.pid === undefined ? undefined : killGroup(child.pid)));
      child.on('error', (error) => {
        this.#spawnError = error;
      });
      const requests = child.stdio[3] as Socket;
      const replies = child.stdio[4] as Socket;
      this.#requests = requests;
      this.#replies = replies;
      requests.on('error', () => {}); // EPIPE from a process that died: its close reports it
      replies.setEncoding('utf8');
      replies.on('data', this.#onData);
      child.unref();
      requests.unref();
      replies.unref();
    });
  }

  send(args: string): void {
    this.#requests?.write(`${args}\n`);
  }

  kill(): Promise<void> {
    if (!this.#killed) {
      this.#killed = true;
      this.#starting?.reject(new DeploymentError(`an instance of function "${this.#spec.name}" was ended while starting`));
      this.#starting = undefined;
      // Ref'd again so that whoever awaits the kill sees the process reaped and its pipes closed.
      this.#child?.ref();
      this.#requests?.ref();
      this.#replies?.ref();
      this.#child?.kill('SIGKILL');
    }
    return this.#closed;
  }

  readonly #onData = (chunk: string): void => {
    let text = this.#pending + chunk;
    let end: number;
    while ((end = text.indexOf('\n')) !== -1) {
      this.#onLine(text.slice(0, end));
      text = text.slice(end + 1);
    }
    this.#pending = text;
  };

  #onLine(line: string): void {
    if (this.#starting === undefined) {
      const reply = decodeReply(line);
      if (reply) this.#handlers.reply(reply);
      else this.#handlers.crashed(protocolBroken(this.#spec.name, CHANNEL, line));
      return;
    }
    const init = decodeInit(line);
    const starting = this.#starting;
    this.#starting = undefined;
    if (init?.init) starting.resolve();
    else starting.reject(new DeploymentError(`function "${this.#spec.name}" cannot start: ${init?.message ?? protocolBroken(this.#spec.name, CHANNEL, line).message}`));
  }

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
