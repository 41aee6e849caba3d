/**
 * The pipeline the pipeline-function tests deploy as a function: three async phases, each one
 * `inc` on the platform the function names, each leaving its mark in FALCO_TEST_EFFECTS;
 * `finally` writes a line to FALCO_TEST_FINALLY. Phase 1 waits while the file FALCO_TEST_GATE exists,
 * after writing `<gate>.<request>` to say it is waiting.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pipeline } from '../../../flows/index.js';
import { deployable } from '../../../src/index.js';

const inc = deployable<{ n: number }, { n: number }>({ runtime: 'nodejs:20', name: 'inc', code: { source: 'function main({ n }) { return { n: n + 1 }; }' } });

/** Appends `<request> <phase>` to the effects file: how a test counts each phase's effect. */
function mark(requestId: string, phase: number): void {
  appendFileSync(process.env.FALCO_TEST_EFFECTS!, `${requestId} ${phase}\n`);
}

export const counted = pipeline<{ n: number }>('counted')
  .modify((data, { requestId }) => (mark(requestId, 0), data))
  .apply(inc)
  .modify(async (data, { requestId }) => {
    const gate = process.env.FALCO_TEST_GATE;
    if (gate && existsSync(gate)) writeFileSync(`${gate}.${requestId}`, '');
    while (gate && existsSync(gate)) await sleep(20);
    mark(requestId, 1);
    return data;
  })
  .apply(inc)
  .modify((data, { requestId }) => (mark(requestId, 2), data))
  .apply(inc)
  .finally((final) => appendFileSync(process.env.FALCO_TEST_FINALLY!, `${JSON.stringify({ requestId: final.requestId, state: final.state })}\n`));
