import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { cleanupOpenWhisk, OpenWhiskPlatform, type OpenWhiskOptions } from '../../../platforms/openwhisk/index.js';
import { deployable, type DeployableOptions } from '../../../src/index.js';
import { type InvokeOptions } from '../../../src/spi.js';
import { OpenWhiskDouble, type OpenWhiskDoubleOptions } from '../../doubles/openwhisk/index.js';

export { cleanupOpenWhisk, OpenWhiskDouble, OpenWhiskPlatform };

export interface Setup {
  readonly double?: OpenWhiskDoubleOptions;
  readonly platform?: OpenWhiskOptions;
}

/** Runs `test` against a fresh double and a platform pointed at it; both are always stopped. */
export async function withDouble<T>(test: (double: OpenWhiskDouble, platform: OpenWhiskPlatform) => Promise<T>, setup: Setup = {}): Promise<T> {
  const double = await OpenWhiskDouble.start(setup.double);
  try {
    const platform = new OpenWhiskPlatform({ host: double.url, token: double.token, ...setup.platform });
    try {
      return await test(double, platform);
    } finally {
      await platform.close();
    }
  } finally {
    await double.stop();
  }
}

/** Sets environment variables for the length of `test` (undefined removes one), then restores them. */
export async function withEnv<T>(vars: Record<string, string | undefined>, test: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(vars);
  try {
    return await test();
  } finally {
    apply(saved);
  }
}

const NODE_ECHO = 'function main(args) { return { echo: args }; }';
export const PYTHON_DOUBLE = 'def main(args):\n    return {"doubled": args.get("n", 0) * 2}\n';

export function nodeAction(options: Partial<DeployableOptions> = {}) {
  return deployable({ runtime: 'nodejs:20', code: { source: NODE_ECHO }, name: 'echo', ...options });
}

export function call(invocationId = 'i0', signal?: AbortSignal): InvokeOptions {
  return { invocationId, attempt: 1, ...(signal ? { signal } : {}) };
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Rejects after `ms`, so a hang fails the test instead of the run. */
export function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * A loopback port whose connects hang, as a host behind a firewall that drops packets: a listener
 * (python, which need not accept) with a backlog of 0, already filled by one connection.
 */
export async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const script = 'import socket, time\ns = socket.socket()\ns.bind(("127.0.0.1", 0))\ns.listen(0)\nprint(s.getsockname()[1], flush=True)\ntime.sleep(120)';
  const listener = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(listener, 'exit');
  const [line] = (await once(listener.stdout!, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  const filler = connect(port, '127.0.0.1');
  await once(filler, 'connect');
  return {
    port,
    async close() {
      filler.destroy();
      listener.kill();
      await exited;
    },
  };
}
