import type { Deployable, DeployableOptions } from './deployable.js';
import { failOptions, optionProblem } from './options.js';

// Checked by hand, not with zod: `deployable()` is synchronous and a root export, and zod would
// double the time `import 'falco'` takes.

const KEYS = ['runtime', 'code', 'entryPoint', 'entryFile', 'memoryMB', 'timeoutMs', 'name', 'params', 'env', 'maxInstances', 'idempotent'];
const CODE_KINDS = ['source', 'file', 'dir', 'zip'];
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

type Check = (value: unknown) => string | undefined;

const text: Check = (value) => (typeof value === 'string' ? undefined : 'must be a string');
const nonEmpty: Check = (value) => text(value) ?? (value === '' ? 'must not be empty' : undefined);
const matching = (pattern: RegExp, need: string): Check => (value) => (typeof value !== 'string' ? 'must be a string' : pattern.test(value) ? undefined : need);
const positiveInteger = (need: string): Check => (value) => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? undefined : need);
const bool: Check = (value) => (typeof value === 'boolean' ? undefined : 'must be true or false');
const memory: Check = (value) =>
  typeof value !== 'number' || !Number.isInteger(value) ? 'must be a whole number of MB' : value < 64 ? 'must be at least 64' : value > 10_240 ? 'must be at most 10240' : undefined;

const CHECKS: Record<string, Check> = {
  runtime: text,
  entryPoint: matching(IDENTIFIER, 'must be an identifier such as "main"'),
  entryFile: nonEmpty,
  memoryMB: memory,
  timeoutMs: positiveInteger('must be a positive number of milliseconds'),
  name: matching(NAME, 'must be 1-40 lower-case letters, digits or dashes'),
  maxInstances: positiveInteger('must be a positive integer'),
  idempotent: bool,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function codeProblems(code: unknown): string[] {
  const kinds = isRecord(code) ? Object.keys(code) : [];
  const [kind] = kinds;
  if (!isRecord(code) || kinds.length !== 1 || kind === undefined || !CODE_KINDS.includes(kind)) {
    return [optionProblem(['code'], 'must be one of { source }, { file }, { dir } or { zip }', code)];
  }
  const value = code[kind];
  const problem = kind === 'zip' ? (value instanceof Uint8Array ? undefined : 'must be a Uint8Array') : nonEmpty(value);
  return problem ? [optionProblem(['code', kind], problem, value)] : [];
}

function recordProblems(name: 'params' | 'env', value: unknown): string[] {
  if (!isRecord(value)) return [optionProblem([name], 'must be an object', value)];
  if (name === 'params') return [];
  return Object.entries(value).flatMap(([key, entry]) => (typeof entry === 'string' ? [] : [optionProblem([name, key], 'must be a string', entry)]));
}

/** Checks a deployable's options and fills in the defaults; a ConfigError names every wrong option. */
export function checkDeployable<I, O>(options: DeployableOptions): Deployable<I, O> {
  const given: unknown = options;
  if (!isRecord(given)) failOptions('deployable', [optionProblem([], 'must be an object { runtime, code, ... }', given)]);
  const problems = Object.keys(given).flatMap((key) => (KEYS.includes(key) ? [] : [optionProblem([key], `is not an option of deployable (its options are ${KEYS.join(', ')})`, undefined)]));
  if (given.runtime === undefined) problems.push(optionProblem(['runtime'], 'is required, e.g. "nodejs:20" or "python:3"', undefined));
  problems.push(...codeProblems(given.code));
  for (const [key, check] of Object.entries(CHECKS)) {
    const value = given[key];
    const problem = value === undefined ? undefined : check(value);
    if (problem) problems.push(optionProblem([key], problem, value));
  }
  for (const key of ['params', 'env'] as const) if (given[key] !== undefined) problems.push(...recordProblems(key, given[key]));
  if (problems.length > 0) failOptions('deployable', problems);
  return {
    runtime: options.runtime,
    code: options.code,
    entryPoint: options.entryPoint ?? 'main',
    ...(options.entryFile === undefined ? {} : { entryFile: options.entryFile }),
    memoryMB: options.memoryMB ?? 256,
    timeoutMs: options.timeoutMs ?? 60_000,
    name: options.name ?? 'fn',
    params: options.params ?? {},
    env: options.env ?? {},
    ...(options.maxInstances === undefined ? {} : { maxInstances: options.maxInstances }),
    idempotent: options.idempotent ?? true,
  };
}
