import type { Runtime } from '@aws-sdk/client-lambda';
import { ConfigError } from '../../src/errors.js';
import { parseRuntimeId } from '../../src/runtime.js';

/** Lambda's runtime for each falco runtime; bare `python:3` gets the newest Python falco knows. */
const LAMBDA_RUNTIMES: Readonly<Record<string, Runtime>> = {
  'nodejs:18': 'nodejs18.x',
  'nodejs:20': 'nodejs20.x',
  'nodejs:22': 'nodejs22.x',
  'python:3': 'python3.12',
  'python:3.9': 'python3.9',
  'python:3.10': 'python3.10',
  'python:3.11': 'python3.11',
  'python:3.12': 'python3.12',
};

/** Lambda's runtime name for a falco runtime identifier; a ConfigError when there is none. */
export function lambdaRuntime(runtime: string): Runtime {
  parseRuntimeId(runtime);
  const lambda = LAMBDA_RUNTIMES[runtime];
  if (!lambda) {
    throw new ConfigError(`runtime "${runtime}" has no AWS Lambda counterpart: use one of ${Object.keys(LAMBDA_RUNTIMES).join(', ')}`);
  }
  return lambda;
}

/** falco's identifier for a Lambda runtime (`nodejs20.x` → `nodejs:20`), for functions falco did not tag. */
export function falcoRuntime(lambda: string): string | undefined {
  return Object.entries(LAMBDA_RUNTIMES).find(([id, name]) => name === lambda && id !== 'python:3')?.[0];
}
