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
};
