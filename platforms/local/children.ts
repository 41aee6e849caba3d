import { ChildProcess } from 'node:child_process';

/**
 * The child processes a Node.js function starts are the host's children, not the worker's: a
 * terminated worker leaves them running. So the worker starts each as its own process group and
 * keeps its pid in a buffer shared with the host, which kills those groups when the instance
 * ends. Shared memory, not a message: the host reads it after the worker is gone. Past
 * CAPACITY children alive at once, the others are not tracked.
 */
const CAPACITY = 256;

export function childrenBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(CAPACITY * Int32Array.BYTES_PER_ELEMENT);
}

/** Host side: the pids of the children still running when last seen. */
export function trackedChildren(buffer: SharedArrayBuffer): number[] {
  return [...new Int32Array(buffer)].filter((pid) => pid !== 0);
}

/** The method of Node's that `spawn`, `exec`, `execFile` and `fork` all call; @types/node leaves it out. */
interface Spawning {
  spawn(this: ChildProcess, options: object): unknown;
}

/** Worker side: records every child the function starts in `buffer`. */
export function trackChildren(buffer: SharedArrayBuffer): void {
  const pids = new Int32Array(buffer);
  const prototype = ChildProcess.prototype as unknown as Spawning;
  const spawn = prototype.spawn;
  prototype.spawn = function (options) {
    const result = spawn.call(this, { ...options, detached: true });
    const pid = this.pid;
    if (pid !== undefined) {
      for (let index = 0; index < pids.length; index++) {
        if (Atomics.compareExchange(pids, index, 0, pid) !== 0) continue;
        this.once('exit', () => Atomics.compareExchange(pids, index, pid, 0));
        break;
      }
    }
    return result;
  };
}
