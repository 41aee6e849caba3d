import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReduceInput } from '../../../flows/index.js';
import { deployable, type Deployable } from '../../../src/index.js';
import { sleep } from '../../../src/clock.js';

/**
 * A function that notes each call in `<dir>/started`, then waits until the test opens its gate
 * (`<dir>/open-<id>`, or `<dir>/open-all`): the test decides which calls end, and when.
 */
export function gatedFunction(name = 'gated'): Deployable<{ id: string; dir: string }, { id: string }> {
  return deployable({
    runtime: 'nodejs:20',
    name,
    maxInstances: 16,
    code: {
      source: `const fs = require('node:fs');
async function main({ id, dir }) {
  fs.appendFileSync(dir + '/started', id + '\\n');
  while (!fs.existsSync(dir + '/open-' + id) && !fs.existsSync(dir + '/open-all')) await new Promise((r) => setTimeout(r, 5));
  return { id };
}`,
    },
  });
}

export function openGate(dir: string, id: string): Promise<void> {
  return writeFile(join(dir, `open-${id}`), '');
}

/** The ids the gated or counting function was called with so far, one per call. */
export function callsIn(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line !== '') : [];
}

/** Until `count` calls have started (the function writes the file), without a timing assertion: the test's own timeout bounds it. */
export async function startedCalls(dir: string, count: number): Promise<string[]> {
  for (;;) {
    const started = callsIn(join(dir, 'started'));
    if (started.length >= count) return started;
    await sleep(5);
  }
}

/** A reducer that lists the ids of its maps' outputs, in order, with its key. */
export const joinIds = deployable<ReduceInput<{ id: string }>, { key?: string; ids: string[] }>({
  runtime: 'nodejs:20',
  name: 'join-ids',
  code: { source: 'function main({ key, results }) { return { key, ids: results.map((r) => r.id) }; }' },
});
