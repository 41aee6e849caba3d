import { deployable, type Deployable, type DeployableOptions, type Deployment } from '../../../src/index.js';
import { type InvokeOptions, type InvokeResult } from '../../../src/spi.js';
import type { LocalPlatform } from '../../../platforms/local/index.js';

/** Reports which instance ran the call and how many calls that instance has run. */
export const WHO_JS = 'const { threadId } = require("node:worker_threads");\nlet calls = 0;\nexports.main = async (args) => { calls++; if (args.sleep) await new Promise((r) => setTimeout(r, args.sleep)); return { id: threadId, calls }; };';
export const WHO_PY = lines(
  'import os, time',
  'calls = 0',
  'def main(args):',
  '    global calls',
  '    calls += 1',
  '    time.sleep(args.get("sleep", 0) / 1000)',
  '    return {"id": os.getpid(), "calls": calls}',
);

export type Who = { id: number; calls: number };

type Extra = Omit<DeployableOptions, 'runtime' | 'code'>;

export function js(source: string, extra: Extra = {}): Deployable {
  return deployable({ runtime: 'nodejs:20', code: { source }, timeoutMs: 10_000, ...extra });
}

export function py(source: string, extra: Extra = {}): Deployable {
  return deployable({ runtime: 'python:3', code: { source }, timeoutMs: 10_000, ...extra });
}

/** Python source from lines, so that indentation stays readable in a test. */
export function lines(...source: string[]): string {
  return `${source.join('\n')}\n`;
}

export function call<O = unknown>(
  platform: LocalPlatform,
  deployment: Deployment,
  input: unknown = {},
  options: Partial<InvokeOptions> = {},
): Promise<InvokeResult<O>> {
  return platform.invoke<O>(deployment, input, { invocationId: 'test', attempt: 1, ...options });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True while a process with this pid exists (a zombie counts: it has not been reaped). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Waits for `condition`, failing after `ms`: an upper bound that catches hangs, nothing more. */
export async function eventually(condition: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms} ms`);
    await delay(10);
  }
}
