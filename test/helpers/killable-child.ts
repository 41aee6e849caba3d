import { spawn } from 'node:child_process';

export interface KillOptions {
  readonly cwd?: string;
  /** SIGKILL this long after the child starts, or (with `ready`) after it prints `ready`. */
  readonly killAfterMs?: number;
  readonly ready?: string;
  /** SIGKILL as soon as this says so (polled every 10 ms). */
  readonly killWhen?: () => Promise<boolean>;
}

/**
 * Runs `node ARGS` and SIGKILLs it as asked; resolves how it ended: `killed`, or `done` (exit 0).
 * Any other ending is a rejection naming the exit and the child's stderr.
 */
export function runKillable(args: readonly string[], options: KillOptions = {}): Promise<{ ended: 'killed' | 'done'; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    if (options.killAfterMs !== undefined && options.ready === undefined) timer = setTimeout(kill, options.killAfterMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (options.ready !== undefined && options.killAfterMs !== undefined && timer === undefined && stdout.includes(options.ready)) timer = setTimeout(kill, options.killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    const poll = options.killWhen && setInterval(() => void options.killWhen!().then((yes) => yes && kill(), () => {}), 10);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (signal === 'SIGKILL') resolve({ ended: 'killed', stderr });
      else if (code === 0) resolve({ ended: 'done', stderr });
      else reject(new Error(`the child exited with ${code ?? signal}: ${stderr}`));
    });
  });
}
