import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { PYTHON_HOST } from './python-host.js';

/** A deployed function's instance: a process serving it on a loopback port. */
export interface FunctionHost {
  readonly port: number;
  /** What the process wrote so far (its logs), the latest part. */
  output(): string;
  stop(): Promise<void>;
}

export interface HostOptions {
  readonly language: 'nodejs' | 'python';
  readonly dir: string;
  readonly target: string;
  readonly env: Readonly<Record<string, string>>;
}

const READY_TIMEOUT_MS = 30_000;
const KEPT_OUTPUT_CHARS = 4_000;
const NODE_HOST = fileURLToPath(new URL('./node-host.js', import.meta.url));

/** Starts a function's process and resolves once it listens; rejects with its output if it dies first. */
export async function startHost({ language, dir, target, env }: HostOptions): Promise<FunctionHost> {
  const [command, args] =
    language === 'nodejs' ? [process.execPath, [NODE_HOST, dir, target]] : ['python3', ['-c', PYTHON_HOST, dir, target]];
  const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
  const child = spawn(command, args, {
    cwd: dir,
    env: { ...inherited, ...env, K_SERVICE: target, FUNCTION_TARGET: target, FUNCTION_SIGNATURE_TYPE: 'http' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT_CHARS);
  };
  child.stderr.on('data', keep);
  try {
    const port = await readyPort(child, keep);
    return { port, output: () => output, stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw new Error(`the function's process did not start: ${(error as Error).message}\n${output}`);
  }
}

function readyPort(child: ChildProcess, keep: (chunk: Buffer) => void): Promise<number> {
  const stdout = child.stdout;
  if (!stdout) return Promise.reject(new Error('it has no stdout'));
  return new Promise((resolve, reject) => {
    let seen = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      stdout.off('data', onData);
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`it was not listening after ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const onExit = (code: number | null): void => fail(`it exited with code ${code}`);
    const onData = (chunk: Buffer): void => {
      keep(chunk);
      seen += chunk.toString('utf8');
      const match = /FALCO_DOUBLE_PORT=(\d+)/.exec(seen);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      stdout.off('data', onData);
      stdout.on('data', keep);
      resolve(Number(match[1]));
    };
    child.once('exit', onExit);
    child.once('error', (error) => fail(error.message));
    stdout.on('data', onData);
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
