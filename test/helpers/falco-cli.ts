import { spawn } from 'node:child_process';
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
