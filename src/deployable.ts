import { z } from 'zod';
import { parseOptions } from './options.js';
import { parseRuntimeId } from './runtime.js';
import type { Expect, MatchesSchema } from './schema-check.js';

/** Where a function's code comes from: inline source, one file, a directory, or a ready zip. */
export type Code =
  | { readonly source: string }
  | { readonly file: string }
  | { readonly dir: string }
  | { readonly zip: Uint8Array };

/**
 * The input and output types a deployable's function takes and returns: carried in the type only
 * (no value has this property). A method, so that `Deployable<number, string>` still passes where a
 * plain `Deployable` is asked for, while `Deployable<number, string>` and `Deployable<string, string>` do not mix.
 */
interface FunctionTypes<I, O> {
  call(input: I): O;
}
declare const functionTypes: unique symbol;

/** The input type of a deployable's function (`unknown` where it was never declared). */
export type InputOf<D> = D extends Deployable<infer I, unknown> ? I : never;
/** The output type of a deployable's function (`unknown` where it was never declared). */
export type OutputOf<D> = D extends Deployable<never, infer O> ? O : never;

/**
 * Code plus everything a platform needs to run it. Build one with `deployable()`; declare what the
 * function takes and returns with `deployable<Input, Output>({ ... })` and the futures, workflows and
 * pipelines that call it are typed by them.
 */
export interface Deployable<I = unknown, O = unknown> {
  readonly [functionTypes]?: FunctionTypes<I, O>;
  readonly runtime: string;
  readonly code: Code;
  /** The function the platform calls with the invocation's input: `main(args)`, OpenWhisk style. */
  readonly entryPoint: string;
  /** For `dir` and `zip` code: the file holding the entry point (defaults per language). */
  readonly entryFile?: string | undefined;
  readonly memoryMB: number;
  /** The function's own time limit; the platform stops it after this. */
  readonly timeoutMs: number;
  /** A recognisable part of the deployed function's name; platforms add a prefix and a suffix. */
  readonly name: string;
  /** Parameters merged under every invocation's input (the input wins), like OpenWhisk's. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string>>;
  /** The most instances the platform may run at once for this function (its concurrency cap). */
  readonly maxInstances?: number | undefined;
  /** False when running the function twice for one input would be wrong; speculation skips it. */
  readonly idempotent: boolean;
}

const codeSchema = z.union([
  z.object({ source: z.string().min(1, 'must not be empty') }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ dir: z.string().min(1) }).strict(),
  z.object({ zip: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be a Uint8Array') }).strict(),
], { error: 'must be one of { source }, { file }, { dir } or { zip }' });

const deployableSchema = z
  .object({
    runtime: z.string(),
    code: codeSchema,
    entryPoint: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'must be an identifier such as "main"').default('main'),
    entryFile: z.string().min(1).optional(),
    memoryMB: z.number().int().min(64, 'must be at least 64').max(10_240, 'must be at most 10240').default(256),
    timeoutMs: z.number().int().positive('must be a positive number of milliseconds').default(60_000),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lower-case letters, digits or dashes').default('fn'),
    params: z.record(z.string(), z.unknown()).default({}),
    env: z.record(z.string(), z.string()).default({}),
    maxInstances: z.number().int().positive('must be a positive integer').optional(),
    idempotent: z.boolean().default(true),
  })
  .strict();

/** What `deployable()` takes: the function's code and runtime, and what the platform gives it. */
export interface DeployableOptions {
  /** The runtime identifier, e.g. `nodejs:20` or `python:3.11` (see `KNOWN_RUNTIME_IDS`). */
  readonly runtime: string;
  /** Where the function's code comes from: `{ source }`, `{ file }`, `{ dir }` or `{ zip }`. */
  readonly code: Code;
  /** The function the platform calls with the invocation's input, an identifier: `main(args)`, OpenWhisk style. @default 'main' */
  readonly entryPoint?: string | undefined;
  /** For `dir` and `zip` code: the file holding the entry point. @default per language: `index.js`, `__main__.py` */
  readonly entryFile?: string | undefined;
  /** The function's memory, in MB, 64 to 10240. @default 256 */
  readonly memoryMB?: number | undefined;
  /** The function's own time limit, in milliseconds; the platform stops it after this. @default 60000 */
  readonly timeoutMs?: number | undefined;
  /** A recognisable part of the deployed function's name: 1-40 lower-case letters, digits or dashes. Platforms add a prefix and a suffix. @default 'fn' */
  readonly name?: string | undefined;
  /** Parameters merged under every invocation's input (the input wins), like OpenWhisk's. @default {} */
  readonly params?: Readonly<Record<string, unknown>> | undefined;
  /** Environment variables the function runs with. @default {} */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** The most instances the platform may run at once for this function (its concurrency cap). @default the platform's */
  readonly maxInstances?: number | undefined;
  /** False when running the function twice for one input would be wrong; speculation then skips it. @default true */
  readonly idempotent?: boolean | undefined;
}

type _Check = Expect<MatchesSchema<DeployableOptions, typeof deployableSchema>>;

/** Checks a deployable's options (runtime included) and fills in the defaults. */
export function deployable<I = unknown, O = unknown>(options: DeployableOptions): Deployable<I, O> {
  const parsed = parseOptions(deployableSchema, options, 'deployable');
  parseRuntimeId(parsed.runtime);
  return parsed;
}
