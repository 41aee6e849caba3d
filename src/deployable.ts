import { checkDeployable } from './deployable-check.js';
import { parseRuntimeId } from './runtime.js';

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

/** Checks a deployable's options (runtime included) and fills in the defaults. */
export function deployable<I = unknown, O = unknown>(options: DeployableOptions): Deployable<I, O> {
  const parsed = checkDeployable<I, O>(options);
  parseRuntimeId(parsed.runtime);
  return parsed;
}
