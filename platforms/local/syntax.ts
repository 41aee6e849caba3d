import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeploymentError } from '../../src/errors.js';
import type { Language } from '../../src/runtime.js';
import { checkNodeSyntax } from '../shared/node-loader.js';
import type { LocalCode } from './code.js';

const run = promisify(execFile);

/** Compiles the entry file with Python's own compiler and prints `file:line: message` on a syntax error. */
const PYTHON_CHECK = `
import sys
path = sys.argv[1]
try:
    compile(open(path, 'rb').read(), path, 'exec', dont_inherit=True)
except SyntaxError as error:
    sys.stderr.write('%s:%s: %s' % (error.filename, error.lineno, error.msg))
    sys.exit(1)
except ValueError as error:
    sys.stderr.write('%s: %s' % (path, error))
    sys.exit(1)
`;

/**
 * Checks the entry file's syntax before anything runs, so a typo is a DeploymentError at deploy
 * naming the file and line, not a failure of every call.
 */
export async function checkSyntax(language: Language, code: LocalCode, entryPoint: string, python: string, signal?: AbortSignal): Promise<void> {
  if (language === 'python') await checkPython(code.entry, python, signal);
  else await checkNode(code, entryPoint, signal);
}

async function checkNode(code: LocalCode, entryPoint: string, signal?: AbortSignal): Promise<void> {
  const source = await readFile(code.entry, 'utf8');
  let format: 'commonjs' | 'module';
  try {
    format = checkNodeSyntax(source, code.entry, entryPoint);
  } catch (error) {
    throw new DeploymentError((error as Error).message, { cause: error });
  }
  if (format === 'commonjs') return;
  // An ES module in a .js file loads as one only under a package.json that says so; we write one
  // in a directory we made, unless it has its own (from a zip). A `dir` used in place, or a zip's
  // package.json, must say so itself, and `node --check` tells.
  if (code.temporary && code.entry.endsWith('.js')) {
    await writeFile(join(code.dir, 'package.json'), '{ "type": "module" }\n', { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  await checkWith(process.execPath, ['--check', code.entry], code.entry, signal);
}

function checkPython(entry: string, python: string, signal?: AbortSignal): Promise<void> {
  return checkWith(python, ['-c', PYTHON_CHECK, entry], entry, signal);
}

async function checkWith(program: string, args: string[], entry: string, signal?: AbortSignal): Promise<void> {
  try {
    await run(program, args, { signal, timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
  } catch (error) {
    const failure = error as Error & { code?: unknown; stderr?: string };
    if (failure.name === 'AbortError') throw failure;
    if (failure.code === 'ENOENT') {
      throw new DeploymentError(`cannot run "${program}" to check ${entry}: install it or set the LocalPlatform option "python"`, { cause: error });
    }
    throw new DeploymentError(`syntax error in ${describe(failure.stderr ?? '', entry)}`, { cause: error });
  }
}

/** Node prints `file:line`, the line, a caret and `SyntaxError: ...`; Python's check prints `file:line: message`. */
function describe(stderr: string, entry: string): string {
  const lines = stderr.trim().split('\n');
  const syntax = lines.find((line) => line.startsWith('SyntaxError'));
  if (syntax !== undefined && lines[0]?.startsWith(entry)) return `${lines[0]}: ${syntax}`;
  return stderr.trim() || `${entry} (the check gave no details)`;
}
