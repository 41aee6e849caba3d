import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real `redis-server` on a free loopback port with its own data directory and append-only file. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly pid: number;
  /** SIGKILLs the server (no shutdown save): what survives is what the append-only file holds. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data directory, replaying its append-only file. */
  restart(): Promise<void>;
  /** Stops the server by pid and removes its data directory. */
  stop(): Promise<void>;
}

const REDIS = process.env.REDIS_SERVER ?? 'redis-server';

/** Servers still running when the test process exits are killed with it, never left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Why Redis tests cannot run here, or undefined when they can. In CI a missing server is an error
 * (`.ci/run` installs Debian's redis-server), elsewhere the tests are skipped with this message.
 */
export function redisUnavailable(): string | undefined {
  const probe = spawnSync(REDIS, ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  const message = `no ${REDIS} on this machine (apt-get install redis-server, or set REDIS_SERVER)`;
  if (process.env.CI) throw new Error(`CI needs Redis: ${message}`);
  return message;
}

export async function startRedis(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'falco-redis-'));
  const port = await freePort();
  let child = await launch(port, dir);
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return child.pid!;
    },
    async kill() {
      await ended(child, 'SIGKILL');
    },
    async restart() {
      if (child.exitCode === null && child.signalCode === null) await ended(child, 'SIGKILL');
      child = await launch(port, dir);
    },
    async stop() {
      await ended(child, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    REDIS,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--appendonly', 'yes',
      '--appendfsync', 'always',
      '--save', '',
      '--protected-mode', 'no',
      '--daemonize', 'no',
      '--loglevel', 'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      clearInterval(poll);
      clearTimeout(deadline);
      reject(new Error(`redis-server on port ${port} did not start: ${why}\n${output}`));
    };
    // Ready means answering PING: while it replays its append-only file it answers LOADING.
    const poll = setInterval(() => {
      const socket = new Socket();
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (reply) => {
        socket.destroy();
        if (!reply.toString().startsWith('+PONG')) return;
        clearInterval(poll);
        clearTimeout(deadline);
        resolve();
      });
      socket.once('error', () => socket.destroy());
      socket.connect(port, '127.0.0.1');
    }, 20);
    const deadline = setTimeout(() => fail('no PONG within 20 s'), 20_000);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
  });
  child.removeAllListeners('error');
  child.stdout!.off('data', collect);
  child.stderr!.off('data', collect);
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
