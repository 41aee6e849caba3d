import { ConfigError } from '../../src/errors.js';
import { parseRuntimeId, type Language } from '../../src/runtime.js';

/** falco's runtime ids and the Cloud Functions (2nd gen) runtimes they deploy to. */
const GCF_RUNTIMES: Readonly<Record<string, string>> = {
  'nodejs:18': 'nodejs18',
  'nodejs:20': 'nodejs20',
  'nodejs:22': 'nodejs22',
  'python:3': 'python312',
  'python:3.9': 'python39',
  'python:3.10': 'python310',
  'python:3.11': 'python311',
  'python:3.12': 'python312',
};

/** The function the platform calls: the handler falco's wrapper exports, per language. */
export const GCF_ENTRY_POINTS: Readonly<Record<Language, string>> = { nodejs: 'falcoHandler', python: 'falco_handler' };

export interface GcfRuntime {
  readonly language: Language;
  /** The Cloud Functions runtime, e.g. `nodejs20`. */
  readonly runtime: string;
  readonly entryPoint: string;
}

/** Maps a falco runtime id to its Cloud Functions runtime; an unknown one is a ConfigError. */
export function gcfRuntime(id: string): GcfRuntime {
  const { language } = parseRuntimeId(id);
  const runtime = GCF_RUNTIMES[id];
  if (!runtime) {
    throw new ConfigError(`gcf: runtime "${id}" has no Cloud Functions runtime: use one of ${Object.keys(GCF_RUNTIMES).join(', ')}`);
  }
  return { language, runtime, entryPoint: GCF_ENTRY_POINTS[language] };
}

/** The falco runtime id of a deployed function's runtime (`nodejs20` → `nodejs:20`), as far as it is known. */
export function falcoRuntimeId(gcf: string): string {
  const exact = Object.entries(GCF_RUNTIMES).find(([id, runtime]) => runtime === gcf && id !== 'python:3');
  return exact?.[0] ?? gcf;
}
