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

/**
 * The application that runs on the FaaS platform. It turns source code into a Deployable and the
 * work into invocation requests; a Driver and its Runtime are written together.
 */
export interface Runtime<I = unknown> {
  /** The function a phase calls when it names no deployable of its own; the deployable names its runtime. */
  makeDeployment(): Deployable | Promise<Deployable>;
  invocationPayload(): InvocationRequest<I>[] | Promise<InvocationRequest<I>[]>;
}
