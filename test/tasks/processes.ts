import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/falco-cli.js';

/** A `falco` subprocess (worker or lifecycle) that has said it is running. */
export interface FalcoProcess {
  readonly name: string;
  /** SIGKILL: the process dies where it is. */
  kill(): Promise<void>;
  /** SIGTERM: it finishes what it holds and exits; rejects unless it exits 0. */
  stop(): Promise<void>;
}

/** A directory to keep every child's stderr in (one `NAME.log` each), to read after a failure: `FALCO_TEST_CHILD_LOGS=DIR`. */
const LOGS = process.env.FALCO_TEST_CHILD_LOGS;

/** How long a process may take to stop after SIGTERM. */
const STOP_MS = 60_000;

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts `falco ARGS` and resolves once it prints its `falco: ...` ready line (a minute at most). */
export function startFalco(name: string, args: readonly string[]): Promise<FalcoProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    void exited.then(() => children.delete(child));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within a minute: ${stderr}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (LOGS) appendFileSync(join(LOGS, `${name}.log`), `${new Date().toISOString()} ${String(chunk)}`);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (!stdout.includes('falco: ')) return;
      clearTimeout(timer);
      resolve({
        name,
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
        stop: async () => {
          child.kill('SIGTERM');
          // A process that does not stop is a failure that names it, never a hang of the suite.
          const late = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
          const { code, signal } = await exited.finally(() => clearTimeout(late));
          if (signal === 'SIGKILL') throw new Error(`${name} did not exit within ${STOP_MS / 1_000} s of SIGTERM: ${stderr}`);
          if (code !== 0) throw new Error(`${name} exited with ${code ?? signal}: ${stderr}`);
        },
      });
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code ?? signal} before it was ready: ${stderr}`));
    });
  });
}
