import type { Json, JsonObject } from '../../stores/ports/workspace.js';

/**
 * A task's input is JSON in which a few one-key objects stand for values known only when the
 * task runs; they are data, never code, so the DAG compiles to triggers a separate trigger
 * service can run:
 * - `{ "$output": "split.chunks" }`: an upstream task's output (`split`), or a path into it;
 * - `{ "$item": "" }` / `{ "$item": "name" }`: the item of a `forEach` task, or a path into it;
 * - `{ "$error": "count" }`: the error of the task an on-failure task handles;
 * - `{ "$input": "" }` / `{ "$input": "path" }`: the DAG run's input.
 */
export type RefKind = '$output' | '$item' | '$error' | '$input';

const KINDS: readonly RefKind[] = ['$output', '$item', '$error', '$input'];

/** An upstream task's output, or the value at a dotted `path` in it (`output('split', 'chunks')`). */
export function output(task: string, path?: string): JsonObject {
  return { $output: path ? `${task}.${path}` : task };
}

/** The item of a `forEach` task, or the value at a dotted `path` in it. */
export function item(path = ''): JsonObject {
  return { $item: path };
}

/** The error (`{ class, name, message, type? }`) of the task this on-failure task handles. */
export function errorOf(task: string): JsonObject {
  return { $error: task };
}

/** The DAG run's input, or the value at a dotted `path` in it. */
export function dagInput(path = ''): JsonObject {
  return { $input: path };
}

export interface Ref {
  readonly kind: RefKind;
  /** `$output` and `$error`: the task named. */
  readonly task?: string | undefined;
  readonly path: readonly string[];
  readonly text: string;
}

/** The reference a value stands for, or undefined when it is plain JSON. */
export function refOf(value: Json | undefined): Ref | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !(KINDS as readonly string[]).includes(keys[0]!)) return undefined;
  const kind = keys[0] as RefKind;
  const text = value[kind];
  if (typeof text !== 'string') return undefined;
  const steps = text === '' ? [] : text.split('.');
  if (kind === '$output' || kind === '$error') return { kind, task: steps[0], path: steps.slice(1), text };
  return { kind, path: steps, text };
}

/** Every reference in a template, depth first. */
export function refsIn(template: Json | undefined): Ref[] {
  const ref = refOf(template);
  if (ref) return [ref];
  if (Array.isArray(template)) return template.flatMap(refsIn);
  if (template !== null && typeof template === 'object') return Object.values(template).flatMap(refsIn);
  return [];
}

/** What references resolve against when a task starts. */
export interface RefScope {
  readonly outputs: Readonly<Record<string, Json>>;
  readonly errors: Readonly<Record<string, Json>>;
  readonly input: Json;
  readonly item?: Json;
}

/** A reference that selects nothing: the task fails with this message. */
export class UnresolvedRefError extends Error {}

/** The template with every reference replaced by its value. */
export function resolve(template: Json, scope: RefScope): Json {
  const ref = refOf(template);
  if (ref) return valueOf(ref, scope);
  if (Array.isArray(template)) return template.map((value) => resolve(value, scope));
  if (template !== null && typeof template === 'object') {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(template)) out[key] = resolve(value, scope);
    return out;
  }
  return template;
}

function valueOf(ref: Ref, scope: RefScope): Json {
  const root = ref.kind === '$output' ? scope.outputs[ref.task!] : ref.kind === '$error' ? scope.errors[ref.task!] : ref.kind === '$item' ? scope.item : scope.input;
  let current: Json | undefined = root;
  for (const step of ref.path) {
    current = current !== null && typeof current === 'object' ? (current as Record<string, Json>)[step] : undefined;
  }
  if (current === undefined) throw new UnresolvedRefError(`{ "${ref.kind}": "${ref.text}" } selects nothing`);
  return current;
}
