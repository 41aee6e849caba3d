/** Loads a Node.js action and answers its calls: what a worker thread and a node process instance share. */
import { findNonJsonValue } from '../../src/json.js';
import { ActionLoadError, loadEntry, type EntryFunction } from '../shared/node-loader.js';
import { monotonicMs } from './protocol.js';

/** The action's main, when it loaded, and the init message (JSON text) that says so or why not. */
export interface LoadedAction {
  readonly main?: EntryFunction;
  readonly init: string;
}

export async function loadAction(entry: string, entryPoint: string): Promise<LoadedAction> {
  try {
    return { main: await loadEntry(entry, entryPoint), init: '{"init":true}' };
  } catch (error) {
    return { init: JSON.stringify({ init: false, message: describeLoadError(error, entry) }) };
  }
}

/** Runs one call on its arguments' JSON text; answers the reply's JSON text (see protocol.ts). */
export async function answer(action: EntryFunction, args: string): Promise<string> {
  const startedAt = monotonicMs();
  let result: unknown;
  try {
    result = action(JSON.parse(args));
    if (isThenable(result)) result = await result;
  } catch (error) {
    return JSON.stringify(thrown(error, startedAt, monotonicMs() - startedAt));
  }
  return encode(result, startedAt, monotonicMs() - startedAt);
}

function encode(output: unknown, startedAt: number, durationMs: number): string {
  // A function that returns nothing answers null, as a Python function returning None does.
  if (output === undefined) return JSON.stringify({ ok: true, output: null, startedAt, durationMs });
  try {
    const problem = findNonJsonValue(output, 'result');
    if (problem === undefined) return JSON.stringify({ ok: true, output, startedAt, durationMs });
    return JSON.stringify({ ok: false, kind: 'nonjson', message: problem, startedAt, durationMs });
  } catch (error) {
    const message = `result cannot be turned into JSON: ${error instanceof Error ? error.message : String(error)}`;
    return JSON.stringify({ ok: false, kind: 'nonjson', message, startedAt, durationMs });
  }
}

/** What V8 throws when the memory for an ArrayBuffer (a Buffer, a typed array) cannot be had. */
const ALLOCATION_FAILED = 'Array buffer allocation failed';

function thrown(error: unknown, startedAt: number, durationMs: number): object {
  if (error instanceof RangeError && error.message === ALLOCATION_FAILED) {
    return { ok: false, kind: 'memory', message: `${error.name}: ${error.message}`, errorType: error.name, startedAt, durationMs };
  }
  if (error instanceof Error) {
    return { ok: false, kind: 'error', message: error.message, errorType: error.name, stack: error.stack, startedAt, durationMs };
  }
  const name = (error as { name?: unknown } | null)?.name;
  const errorType = typeof name === 'string' ? name : undefined;
  return { ok: false, kind: 'error', message: String(error), errorType, startedAt, durationMs };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** A loader error already says what to fix; anything thrown by the action's own start-up gets its place. */
function describeLoadError(error: unknown, entry: string): string {
  if (!(error instanceof Error)) return `loading ${entry} threw ${String(error)}`;
  if (error instanceof ActionLoadError) return error.message;
  const frame = error.stack?.split('\n').find((line) => line.includes(entry))?.trim();
  return `loading ${entry} failed: ${error.name}: ${error.message}${frame ? ` (${frame})` : ''}`;
}
