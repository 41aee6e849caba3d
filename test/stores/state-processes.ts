import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { it } from 'node:test';
import { openStateManager } from '../../stores/index.js';

const WORKER = fileURLToPath(new URL('./state-worker.js', import.meta.url));
const [WORKERS, INCRS, ROUNDS] = [4, 50, 10];

/** Several processes on one state manager URL: every incr counted once, one winner per compareAndSet round. */
export function crossProcessContract(url: () => string): void {
  it(`counts exactly and has one compareAndSet winner with ${WORKERS} processes at once`, async () => {
    const requestId = `r-${randomUUID()}`;
    const runs = Array.from({ length: WORKERS }, (_, n) =>
      promisify(execFile)(process.execPath, [WORKER, url(), requestId, String(WORKERS), String(INCRS), String(ROUNDS), `w${n}`], { timeout: 120_000 }),
    );
    const won = (await Promise.all(runs)).map(({ stdout }) => JSON.parse(stdout) as number[]);
    const state = await openStateManager(url());
    try {
      assert.equal(await state.get(requestId, 'n'), WORKERS * INCRS, 'every incr counted once');
      assert.deepEqual(won.flat().sort((a, b) => a - b), Array.from({ length: ROUNDS }, (_, r) => r), 'each round won exactly once');
      for (const [n, rounds] of won.entries()) for (const r of rounds) assert.equal(await state.get(requestId, `round-${r}`), `w${n}`);
      await state.cleanup(requestId);
      assert.deepEqual(await state.entries(requestId), {});
    } finally {
      await state.close();
    }
  });
}
