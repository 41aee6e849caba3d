import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DeploymentError } from '../../src/errors.js';

const run = promisify(execFile);

/**
 * The interpreter that `python` starts, as Python itself names it (`sys.executable`). A version
 * manager's `python3` (pyenv, asdf) is a shell script that looks the interpreter up on every
 * start, costing more than the interpreter's own start-up: asked once, instances start the
 * interpreter directly. Not a realpath: a virtualenv's `bin/python` is a link that must stay one.
 */
export async function resolvePython(python: string): Promise<string> {
  try {
    const { stdout } = await run(python, ['-c', 'import sys; print(sys.executable or "")'], { timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
    return stdout.trim() || python;
  } catch (error) {
    const failure = error as Error & { code?: unknown; stderr?: string };
    const why = failure.code === 'ENOENT' ? 'it is not installed or not on PATH' : (failure.stderr?.trim() || failure.message);
    throw new DeploymentError(`cannot run "${python}" (${why}): install Python 3 or set the LocalPlatform option "python"`, { cause: error });
  }
}
