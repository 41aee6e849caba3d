import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { memoryMessage, type Crash } from './instance.js';
import { ProcessInstance, howItEnded } from './process-instance.js';

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
 * limit covers everything the process allocates, not only the V8 heap. It runs the same action
 * runner as a worker thread, and speaks the same frames as a Python instance.
 */
export class NodeProcessInstance extends ProcessInstance {
  protected readonly what = 'the node process';
  #stderrTail = Buffer.alloc(0);

  protected spawn(): ChildProcess {
    const { entry, entryPoint, memoryMB } = this.spec;
    const node = [process.execPath, `--max-old-space-size=${memoryMB}`, RUNNER, entry, entryPoint];
    const child = this.spawnRunner('/bin/sh', ['-c', LAUNCH, String(memoryMB * 1024), ...node], 'pipe');
    (child.stdio[2] as Socket).on('data', this.#onStderr);
    return child;
  }

  /** Passes the function's stderr on when logs are inherited, keeping its tail either way. */
  readonly #onStderr = (chunk: Buffer): void => {
    if (this.spec.logs === 'inherit') process.stderr.write(chunk);
    const tail = Buffer.concat([this.#stderrTail, chunk]);
    this.#stderrTail = tail.subarray(Math.max(0, tail.length - STDERR_TAIL_BYTES));
  };

  protected crash(child: ChildProcess, error: Error | undefined): Crash {
    const { name, memoryMB } = this.spec;
    if (error) return { message: `cannot start the node process of function "${name}": ${error.message}`, cause: error };
    const outOfMemory = V8_OUT_OF_MEMORY.exec(this.#stderrTail.toString('utf8'));
    if (outOfMemory) return { message: memoryMessage(name, memoryMB, outOfMemory[1] ?? outOfMemory[2]!), errorType: 'RangeError', outOfMemory: true };
    return { message: `the node process of function "${name}" ${howItEnded(child)} before answering` };
  }
}
