import { fileURLToPath } from 'node:url';
import { deployable, type Code, type Deployable } from '../src/deployable.js';

export interface InPlaceFunctionOptions {
  /** @default 512 */
  readonly memoryMB?: number | undefined;
  /** @default 900000 (15 minutes) */
  readonly timeoutMs?: number | undefined;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * One of falco's own functions (the coordinator, the pipeline) as a Deployable: the `main.js` in
 * `dir`, used in place, so its imports reach this installed copy of falco. It runs where falco's
 * files are on disk: the local platform, or a platform sharing this machine's files.
 */
export function inPlaceFunction<I, O>(dir: URL, name: string, options: InPlaceFunctionOptions): Deployable<I, O> {
  return falcoFunction({ dir: fileURLToPath(dir) }, 'main.js', name, options);
}

/** One of falco's own functions as a Deployable, its code wherever it is (in place, or a package of its own). */
export function falcoFunction<I, O>(code: Code, entryFile: string, name: string, options: InPlaceFunctionOptions): Deployable<I, O> {
  return deployable({
    runtime: 'nodejs:20',
    code,
    entryFile,
    name,
    memoryMB: options.memoryMB ?? 512,
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    env: options.env,
  });
}
