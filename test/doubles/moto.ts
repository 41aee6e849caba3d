/**
 * moto's server (`python3 -m moto.server`) on a free loopback port, for tests that drive the real
 * AWS SDK. The process is killed on `stop()`; it also exits by itself when the test process dies,
 * however it dies, so it never outlives the tests that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** What moto's `/moto-api/config` accepts; see moto/core/config.py. */
export type MotoConfig = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** Lambda without Docker: moto echoes the payload instead of running code. */
export const DEFAULT_MOTO_CONFIG: MotoConfig = { lambda: { use_docker: false } };

/**
 * AWS's managed policies loaded, so that roles can have e.g. AWSLambdaBasicExecutionRole attached
 * (the config API does not take this one; moto reads it from the environment).
 */
export const DEFAULT_MOTO_ENV: Readonly<Record<string, string>> = { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' };

/** Credentials moto accepts (it checks none); AKIA... style like real ones. */
export const FAKE_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
} as const;

export interface StartMotoOptions {
  readonly config?: MotoConfig;
  /** Added to the server's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the server to answer. */
  readonly startTimeoutMs?: number;
}

/**
 * `moto.server`'s main, plus a watchdog: when the pipe to its stdin closes (our process ended,
 * even by SIGKILL), it exits.
 */
const MOTO_WITH_WATCHDOG = `
import os, sys, threading
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
from moto.server import main
main(sys.argv[1:])
`;

export interface Moto {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Drops every resource in every backend; the config stays. */
  reset(): Promise<void>;
  /** Kills the server and waits until it is gone. Idempotent. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
}

const START_ATTEMPTS = 3;

export async function startMoto(options: StartMotoOptions = {}): Promise<Moto> {
  const failures: string[] = [];
  // Another process may take the free port between our check and moto's bind: try a fresh one.
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await freePort();
    const child = spawn('python3', ['-c', MOTO_WITH_WATCHDOG, '-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, ...(options.env ?? DEFAULT_MOTO_ENV) },
    });
    const stop = stopper(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await once(child, 'spawn');
      await waitUntilAnswering(endpoint, child, options.startTimeoutMs ?? 30_000);
      await post(endpoint, '/moto-api/config', options.config ?? DEFAULT_MOTO_CONFIG);
      return { endpoint, port, pid: child.pid ?? 0, reset: () => post(endpoint, '/moto-api/reset', {}), stop };
    } catch (error) {
      await stop();
      failures.push(`port ${port}: ${(error as Error).message}\n${stderr}`);
    }
  }
  throw new Error(`moto did not start:\n${failures.join('\n')}`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  return async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.stdin?.end();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with code ${child.exitCode}`);
    const answered = await fetch(`${endpoint}/moto-api/config`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return;
    await delay(100);
  }
  throw new Error(`moto did not answer within ${timeoutMs} ms`);
}

async function post(endpoint: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}`);
}
