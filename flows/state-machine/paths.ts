import type { Json, JsonObject } from '../../stores/ports/workspace.js';
import { StatesRuntimeError } from './errors.js';

/**
 * ASL reference paths: `$` (the state's input) or `$$` (the context object), then `.field`,
 * `['field']` or `[index]` steps. Wildcards, filters and slices are not supported.
 */
export interface ReferencePath {
  readonly text: string;
  readonly root: '$' | '$$';
  readonly steps: ReadonlyArray<string | number>;
}

const STEP = /^(?:\.([^.[\]'"]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/;

/** Parses a reference path; returns the reason as a string when it is not one. */
export function parsePath(text: string): ReferencePath | string {
  if (typeof text !== 'string' || !text.startsWith('$')) return `"${String(text)}" is not a path: a path starts with "$" (e.g. "$.order.id")`;
  const root = text.startsWith('$$') ? '$$' : '$';
  const steps: Array<string | number> = [];
  let rest = text.slice(root.length);
  while (rest.length > 0) {
    const step = STEP.exec(rest);
    if (!step) return `"${text}" is not a supported path at "${rest}": use .field, ['field'] or [index] steps (no wildcards or filters)`;
    steps.push(step[2] !== undefined ? Number(step[2]) : (step[1] ?? step[3] ?? step[4])!);
    rest = rest.slice(step[0].length);
  }
  return { text, root, steps };
}

/** The value a path selects; a `StatesRuntimeError` when it selects nothing. */
export function readPath(path: ReferencePath, input: Json, context: Json): Json {
  const found = lookup(path, input, context);
  if (found === undefined) throw new StatesRuntimeError(`the path "${path.text}" selects nothing in ${describe(path.root === '$' ? input : context)}`);
  return found;
}

/** The value a path selects, or undefined (for IsPresent). */
export function lookup(path: ReferencePath, input: Json, context: Json): Json | undefined {
  let current: Json | undefined = path.root === '$' ? input : context;
  for (const step of path.steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = typeof step === 'number' ? (Array.isArray(current) ? current[step] : undefined) : Array.isArray(current) ? undefined : current[step];
  }
  return current;
}

/** A copy of `input` with `value` placed at `path` (ResultPath semantics): `$` replaces the whole input. */
export function writePath(path: ReferencePath, input: Json, value: Json): Json {
  if (path.steps.length === 0) return value;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new StatesRuntimeError(`ResultPath "${path.text}" cannot place a result into ${describe(input)}: the state's input must be an object`);
  }
  const [first, ...rest] = path.steps as string[];
  const child = input[first!];
  const inner = rest.length === 0 ? value : writePath({ ...path, steps: rest }, child === undefined || child === null || typeof child !== 'object' ? {} : child, value);
  return { ...input, [first!]: inner };
}

/**
 * A payload template (Parameters, ItemSelector, ResultSelector): a JSON object whose keys ending
 * in `.$` take the value their path selects, from the input (`$...`) or the context object (`$$...`).
 */
export function applyTemplate(template: Json, input: Json, context: Json): Json {
  if (Array.isArray(template)) return template.map((item) => applyTemplate(item, input, context));
  if (template === null || typeof template !== 'object') return template;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) out[key.slice(0, -2)] = readPath(parsePath(value as string) as ReferencePath, input, context);
    else out[key] = applyTemplate(value, input, context);
  }
  return out;
}

/** The reasons a payload template is malformed (a `.$` key whose value is not a path), with where. */
export function templateProblems(template: unknown, where: string): string[] {
  if (Array.isArray(template)) return template.flatMap((item, i) => templateProblems(item, `${where}[${i}]`));
  if (template === null || typeof template !== 'object') return [];
  return Object.entries(template).flatMap(([key, value]) => {
    if (!key.endsWith('.$')) return templateProblems(value, `${where}.${key}`);
    if (typeof value === 'string' && value.startsWith('States.')) {
      return [`${where}.${key}: intrinsic functions (${value.split('(')[0]}) are not supported; compute the value in a Task`];
    }
    const path = parsePath(value as string);
    return typeof path === 'string' ? [`${where}.${key}: ${path}`] : [];
  });
}

function describe(value: Json | undefined): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
