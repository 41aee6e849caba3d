/**
 * A pipeline worker process for the `forwarding.data: 'state'` kill test, SIGKILLed at random and
 * started again. On start it submits request REQUEST_ID if the state holds none, resumes it if it was
 * recorded but never forwarded (killed in between), then works on it until its `finally` ran.
 * Each phase logs `start <phase> <pid>` at its first step and `end <phase> <pid>` before its last call.
 *
 * Arguments: STORE_URL STATE_URL REQUEST_ID LOG_FILE FINALLY_FILE; the signing secret in FALCO_TEST_SECRET.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pipeline, type EventForwarding, type Pipeline } from '../../../flows/index.js';
import { createPlatform } from '../../../platforms/index.js';
import { deployable } from '../../../src/index.js';
import { openStateManager, openStore } from '../../../stores/index.js';

const [storeUrl, stateUrl, requestId, logFile, finallyFile] = process.argv.slice(2) as [string, string, string, string, string];
const inc = deployable<{ n: number }, { n: number }>({ runtime: 'nodejs:20', name: 'inc', code: { source: 'function main({ n }) { return { n: n + 1 }; }' } });
type Counting = Pipeline<{ n: number }, { n: number }>;
const log = (what: string, phase: number) => appendFileSync(logFile, `${what} ${phase} ${process.pid}\n`);

/** Phase `phase`: its start, a call, its end, and the call that ends it (async), with pauses for kills to land in. */
const phaseSteps = (chain: Counting, phase: number): Counting =>
  chain
    .modify(async (data) => (log('start', phase), await sleep(Math.random() * 100), data))
    .apply(inc, { sync: true })
    .modify(async (data) => (log('end', phase), await sleep(Math.random() * 30), data))
    .apply(inc);

const crashy = phaseSteps(phaseSteps(phaseSteps(pipeline<{ n: number }>('state-crashy'), 0), 1), 2).finally((final) =>
  appendFileSync(finallyFile, `${JSON.stringify({ state: final.state, pid: process.pid })}\n`),
);

const store = await openStore(storeUrl);
await store.createWorkspace('pipelines');
const state = await openStateManager(stateUrl);
const platform = await createPlatform('local');
const forwarding: EventForwarding = {
  stream: store.events('pipelines'),
  keys: { keys: { k1: process.env.FALCO_TEST_SECRET! }, signWith: 'k1' },
  data: 'state',
  consumer: 'crash-worker',
  // Kills may land on the same phase again and again: this test is about each phase moving on once, not the delivery cap.
  consumerOptions: { maxDeliveries: 1_000 },
};
const worker = await crashy.worker({ platform, state, forwarding });
const status = await crashy.status(requestId, { state });
if (!status) await crashy.submit({ n: 0 }, { platform, state, forwarding, requestId });
else if (status.state === 'running' && !status.forwarded) await crashy.resume(requestId, { state, forwarding });
process.stdout.write('working\n');
while ((await crashy.status(requestId, { state }))?.finally !== 'done') await sleep(20);
await worker.stop();
await Promise.all([platform.close(), store.close(), state.close()]);
