import { setTimeout as sleep } from 'node:timers/promises';
import { taskKind, type Json } from '../../flows/index.js';

/** `add`: `{ n }` → `{ n: n + add }`, kept under `as` when given; `collect`: its input as it is. */
export const testKinds = {
  add: taskKind<Json, Json>({
    run: (input, { parameters }) => {
      const n = typeof input === 'object' && input !== null && !Array.isArray(input) && typeof input.n === 'number' ? input.n : 0;
      const out = { n: n + Number(parameters.add ?? 1) };
      return typeof parameters.as === 'string' ? { [parameters.as]: out.n } : out;
    },
  }),
  collect: taskKind({ run: (input: Json) => input }),
  /** Takes `parameters.ms` (default 40) and answers with the node that ran: long enough to be killed in the middle of. */
  work: taskKind({
    run: async (_input: Json, { node, parameters, signal }) => {
      await sleep(Number(parameters.ms ?? 40), undefined, { signal });
      return { ran: node };
    },
  }),
  /** Fails, saying so. */
  fail: taskKind({
    run: () => {
      throw new Error('this task always fails');
    },
  }),
};

/** What `falco worker --tasks` reads from this module. */
export const kinds = testKinds;
