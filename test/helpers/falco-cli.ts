import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Found from this file, so the tests run the CLI of the same build: dist/cli/falco.js under `npm test`.
export const CLI = fileURLToPath(new URL('../../cli/falco.js', import.meta.url));
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}.js`, import.meta.url));
export const cliFixture = (name: string): string => fileURLToPath(new URL(`../cli/fixtures/${name}.js`, import.meta.url));

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `falco ARGS` in `cwd` as a subprocess; killed after a minute, so a hang fails the test instead of stalling it. */
export function falco(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Starts a long-running `falco ARGS` (a server) and resolves once a line of its stdout matches
 * `listening`, with the match's first group (its URL). The test stops it; it is SIGKILLed after
 * five minutes in any case (a test of many commands against it takes minutes on a loaded machine),
 * so a server a failed test left behind does not outlive the run.
 */
export function serveCli(args: string[], cwd: string, listening: RegExp, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (clearTimeout(killer), resolve(code))));
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const url = listening.exec(line)?.[1];
      if (url) resolve({ child, url, exited });
    });
    void exited.then((code) => reject(new Error(`falco ${args[0]} exited (${code}) before listening: ${stderr}`)));
  });
}
