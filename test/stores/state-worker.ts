/**
 * One of several processes sharing a state manager: `node state-worker.js URL REQUEST WORKERS
 * INCRS ROUNDS NAME`. It adds 1 to `n` INCRS times, then for each of ROUNDS rounds tries to claim
 * `round-<r>` for itself with compareAndSet; every worker starts each step together with the others
 * (a barrier on a counter), so they race. It prints the rounds it won.
 */
import { openStateManager } from '../../stores/index.js';

const [url, requestId, workers, incrs, rounds, name] = process.argv.slice(2) as [string, string, string, string, string, string];
const state = await openStateManager(url);

async function together(step: string): Promise<void> {
  await state.incr(requestId, `at-${step}`);
  while (((await state.get<number>(requestId, `at-${step}`)) ?? 0) < Number(workers)) await new Promise((resolve) => setTimeout(resolve, 2));
}

await together('start');
for (let i = 0; i < Number(incrs); i++) await state.incr(requestId, 'n');
const won: number[] = [];
for (let r = 0; r < Number(rounds); r++) {
  await together(`round-${r}`);
  if (await state.compareAndSet(requestId, `round-${r}`, undefined, name)) won.push(r);
}
await state.close();
process.stdout.write(JSON.stringify(won));
