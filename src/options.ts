import type { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Validates options with a zod schema and fills defaults. A failure is a ConfigError whose
 * message names the owner, each wrong option, what it got and what it needs.
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, owner: string): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.length > 0 ? issue.path.join('.') : 'options';
    const got = describe(lookup(value, issue.path));
    return `${name === 'options' ? name : `option "${name}"`}: ${issue.message}${got === undefined ? '' : ` (got ${got})`}`;
  });
  return fail(owner, problems);
}

function fail(owner: string, problems: string[]): never {
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
