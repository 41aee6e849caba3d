/** Runs inside a worker thread: one instance of a Node.js action. See node-instance.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { findNonJsonValue } from '../../src/json.js';
import { ActionLoadError, loadEntry, type EntryFunction } from '../shared/node-loader.js';
import { trackChildren } from './children.js';
import type { WorkerData } from './node-instance.js';
import { monotonicMs } from './protocol.js';

if (!parentPort) throw new Error('worker.js runs only as a worker thread of the local platform');
const port = parentPort;
const { entry, entryPoint, logs, children } = workerData as WorkerData;
trackChildren(children);
if (logs === 'ignore') {
  discard(process.stdout);
  discard(process.stderr);
}

let main: EntryFunction | undefined;
try {
  main = await loadEntry(entry, entryPoint);
} catch (error) {
  port.postMessage(JSON.stringify({ init: false, message: describeLoadError(error) }));
}
if (main) {
  const action = main;
  port.on('message', (args: string) => void call(action, args));
  port.postMessage('{"init":true}');
}

async function call(action: EntryFunction, args: string): Promise<void> {
  const startedAt = monotonicMs();
  let result: unknown;
  try {
    result = action(JSON.parse(args));
    if (isThenable(result)) result = await result;
  } catch (error) {
    port.postMessage(JSON.stringify(thrown(error, startedAt, monotonicMs() - startedAt)));
    return;
  }
  port.postMessage(encode(result, startedAt, monotonicMs() - startedAt));
}

function encode(output: unknown, startedAt: number, durationMs: number): string {
  // Nothing travels as null, as a Python function's None does; the host refuses both (see slot.ts).
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

function thrown(error: unknown, startedAt: number, durationMs: number): object {
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
function describeLoadError(error: unknown): string {
  if (!(error instanceof Error)) return `loading ${entry} threw ${String(error)}`;
  if (error instanceof ActionLoadError) return error.message;
  const frame = error.stack?.split('\n').find((line) => line.includes(entry))?.trim();
  return `loading ${entry} failed: ${error.name}: ${error.message}${frame ? ` (${frame})` : ''}`;
}

/** Makes a stream drop what is written to it, so that nothing crosses to the host only to be thrown away. */
function discard(stream: NodeJS.WriteStream): void {
  stream.write = ((...args: unknown[]): boolean => {
    const callback = args.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (callback) process.nextTick(callback);
    return true;
  }) as typeof stream.write;
}
