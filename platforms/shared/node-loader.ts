/**
 * Loads a Node.js action and returns its entry function, the way OpenWhisk's Node runtime does:
 * `module.exports.main`, `exports.main`, an ES module's `export function main`, or a plain
 * top-level `function main(args)`. Self-contained (node built-ins only): platforms that ship code
 * to a cloud copy this file's compiled JavaScript into the function's zip next to the user's code.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

export type EntryFunction = (args: unknown) => unknown;

const ESM_ONLY = /Cannot use import statement|Unexpected token 'export'|import\.meta|await is only valid in async functions and the top level/;

/** Thrown when the action cannot be loaded: a syntax error or a missing entry point. */
export class ActionLoadError extends Error {
  override readonly name = 'ActionLoadError';
}

/** The CommonJS wrapper; compiled once to check syntax and again to run the action. */
function wrap(source: string, entryPoint: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n;return typeof ${entryPoint} === 'function' ? ${entryPoint} : undefined;\n})`;
}

/**
 * Checks an action's syntax without running it. Returns the module format, or throws an
 * ActionLoadError naming the file and line.
 */
export function checkNodeSyntax(source: string, filename: string, entryPoint = 'main'): 'commonjs' | 'module' {
  if (filename.endsWith('.mjs')) return 'module';
  try {
    new vm.Script(wrap(source, entryPoint), { filename });
    return 'commonjs';
  } catch (error) {
    if (error instanceof SyntaxError && ESM_ONLY.test(error.message) && !filename.endsWith('.cjs')) return 'module';
    throw new ActionLoadError(`syntax error in ${filename}: ${describeSyntaxError(error)}`);
  }
}

function describeSyntaxError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const where = error.stack?.split('\n')[0];
  return where && where !== `${error.name}: ${error.message}` ? `${error.message} (at ${where})` : error.message;
}

export async function loadEntry(file: string, entryPoint = 'main'): Promise<EntryFunction> {
  const source = await readFile(file, 'utf8');
  const format = checkNodeSyntax(source, file, entryPoint);
  let entry: unknown;
  if (format === 'module') {
    const namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    entry = namespace[entryPoint] ?? (namespace.default as Record<string, unknown> | undefined)?.[entryPoint];
  } else {
    const module = { exports: {} as Record<string, unknown> };
    const run = vm.runInThisContext(wrap(source, entryPoint), { filename: file }) as (...args: unknown[]) => unknown;
    const global = run(module.exports, createRequire(file), module, file, dirname(file));
    const exported = module.exports;
    entry = exported[entryPoint] ?? (typeof exported === 'function' ? exported : undefined) ?? global;
  }
  if (typeof entry !== 'function') {
    throw new ActionLoadError(
      `${file} does not define a function "${entryPoint}": export it (module.exports.${entryPoint} = ...) or declare function ${entryPoint}(args)`,
    );
  }
  return entry as EntryFunction;
}
