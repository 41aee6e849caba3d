import type { Crash } from './instance.js';
import type { Failure, InitMessage, Reply } from './protocol.js';

/**
 * Reads what an instance sent. The channel is the function's too (a Python function can write to
 * fd 4, a Node.js one can post on parentPort), so anything that is not a message of the protocol
 * is the function's doing, and is reported as such rather than taken for an answer.
 */
export function decodeReply(message: unknown): Reply | undefined {
  const value = parse(message);
  if (!isObject(value)) return undefined;
  const { ok, kind, startedAt, durationMs } = value;
  if (typeof startedAt !== 'number' || typeof durationMs !== 'number') return undefined;
  if (ok === true) return 'output' in value ? { ok, output: value.output, startedAt, durationMs } : undefined;
  if (ok !== false || (kind !== 'error' && kind !== 'nonjson' && kind !== 'memory') || typeof value.message !== 'string') return undefined;
  const failure: Failure = { ok, kind, message: value.message, errorType: optional(value.errorType), stack: optional(value.stack), startedAt, durationMs };
  return failure;
}

export function decodeInit(message: unknown): InitMessage | undefined {
  const value = parse(message);
  if (!isObject(value)) return undefined;
  if (value.init === true) return { init: true };
  return value.init === false && typeof value.message === 'string' ? { init: false, message: value.message } : undefined;
}

/** Why an instance that sent `message` on `channel` is ended. */
export function protocolBroken(name: string, channel: string, message: unknown): Crash {
  const text = typeof message === 'string' ? message : String(JSON.stringify(message) ?? message);
  return {
    message:
      `function "${name}" wrote ${JSON.stringify(excerpt(text))} to ${channel}, which carries falco's calls and replies, ` +
      `so the instance could not send its result and was ended: write the function's output to stdout or stderr`,
  };
}

function optional(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The start of a text that may be long, to quote in a message. */
export function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}

function parse(message: unknown): unknown {
  if (typeof message !== 'string') return undefined;
  try {
    return JSON.parse(message);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
