import type { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Validates options with a zod schema and fills defaults. A failure is a ConfigError whose
 * message names the owner, each wrong option, what it got and what it needs.
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, owner: string): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  return failOptions(owner, parsed.error.issues.map((issue) => optionProblem(issue.path, issue.message, lookup(value, issue.path))));
}

/** One wrong option, worded as `parseOptions` words it: its name, what it needs, what it got. */
export function optionProblem(path: readonly PropertyKey[], message: string, value: unknown): string {
  const name = path.length > 0 ? path.join('.') : 'options';
  const got = describe(value);
  return `${name === 'options' ? name : `option "${name}"`}: ${message}${got === undefined ? '' : ` (got ${got})`}`;
}

/** The ConfigError for an owner's wrong options. */
export function failOptions(owner: string, problems: readonly string[]): never {
  throw new ConfigError(`${owner}: ${problems.join('; ')}`);
}

function lookup(value: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeof value;
}
