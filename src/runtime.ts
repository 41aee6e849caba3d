import type { Deployable } from './deployable.js';
import { ConfigError } from './errors.js';
import type { InvocationRequest } from './invocation.js';

export type Language = 'nodejs' | 'python';

/** A runtime identifier taken apart: `nodejs:20` is language `nodejs`, version `20`. */
export interface RuntimeId {
  readonly id: string;
  readonly language: Language;
  readonly version: string;
}

const KNOWN_RUNTIMES: Record<string, Language> = {
  'nodejs:18': 'nodejs',
  'nodejs:20': 'nodejs',
  'nodejs:22': 'nodejs',
  'python:3': 'python',
  'python:3.9': 'python',
  'python:3.10': 'python',
  'python:3.11': 'python',
  'python:3.12': 'python',
};

export const KNOWN_RUNTIME_IDS: readonly string[] = Object.keys(KNOWN_RUNTIMES);

/** Parses and checks a runtime identifier; an unknown one is a ConfigError listing the known ones. */
export function parseRuntimeId(id: string): RuntimeId {
  const language = KNOWN_RUNTIMES[id];
  if (!language) {
    throw new ConfigError(
      `unknown runtime "${id}": use one of ${KNOWN_RUNTIME_IDS.join(', ')}`,
    );
  }
  return { id, language, version: id.slice(id.indexOf(':') + 1) };
}

/** Options a driver passes through to its runtime (Go's variadic options, as an object). */
export type RuntimeOptions = Readonly<Record<string, unknown>>;

/**
 * The application that runs on the FaaS platform. It turns source code into a Deployable and the
 * work into invocation requests; a Driver and its Runtime are written together.
 */
export interface Runtime<I = unknown> {
  /** The runtime identifier, e.g. `nodejs:20` or `python:3`. */
  readonly identifier: string;
  makeDeployment(options?: RuntimeOptions): Deployable | Promise<Deployable>;
  invocationPayload(options?: RuntimeOptions): InvocationRequest<I>[] | Promise<InvocationRequest<I>[]>;
}
