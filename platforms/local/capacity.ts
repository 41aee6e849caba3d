import { availableParallelism, freemem } from 'node:os';

/** A deployable's memory when it names none (see `deployable()`): what the platform-wide default assumes. */
const DEFAULT_MEMORY_MB = 256;

/**
 * The default cap on one deployment's instances: one per CPU, and no more than half of the
 * memory free now could hold at the function's memory limit; at least one. More instances than
 * CPUs only add cold starts and contention for CPU-bound functions; set `maxInstances` for
 * functions that mostly wait (on I/O, say).
 */
export function defaultInstanceCap(memoryMB = DEFAULT_MEMORY_MB, machine: Machine = thisMachine()): number {
  const byMemory = Math.floor(machine.freeBytes / 2 / (memoryMB * 1024 * 1024));
  return Math.max(1, Math.min(machine.cpus, byMemory));
}

/** What the default cap is computed from. */
export interface Machine {
  readonly cpus: number;
  readonly freeBytes: number;
}

function thisMachine(): Machine {
  return { cpus: availableParallelism(), freeBytes: freemem() };
}
