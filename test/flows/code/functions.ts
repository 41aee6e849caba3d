import { deployable } from '../../../src/index.js';

/** Squares n; when `counter` names a file, first appends the call's idempotency key to it (one line per execution). */
export const square = deployable<{ n: number; counter?: string }, { square: number }>({
  runtime: 'nodejs:20',
  name: 'square',
  code: {
    source:
      "const fs = require('node:fs');\n" +
      'function main({ n, counter, idempotencyKey }) {\n' +
      "  if (counter) fs.appendFileSync(counter, idempotencyKey + '\\n');\n" +
      '  return { square: n * n };\n' +
      '}\n',
  },
});

/** Sums `values` of squares. */
export const sum = deployable<{ values: { square: number }[]; counter?: string }, { sum: number }>({
  runtime: 'nodejs:20',
  name: 'sum',
  code: {
    source:
      "const fs = require('node:fs');\n" +
      'function main({ values, counter, idempotencyKey }) {\n' +
      "  if (counter) fs.appendFileSync(counter, idempotencyKey + '\\n');\n" +
      '  return { sum: values.reduce((total, v) => total + v.square, 0) };\n' +
      '}\n',
  },
});

/** Fails while the file `flag` does not exist; then returns { ok: true }. */
export const flaky = deployable<{ flag: string }, { ok: true }>({
  runtime: 'nodejs:20',
  name: 'flaky',
  code: {
    source:
      "const fs = require('node:fs');\n" +
      'function main({ flag }) {\n' +
      "  if (!fs.existsSync(flag)) throw new RangeError('the flag is not there yet');\n" +
      '  return { ok: true };\n' +
      '}\n',
  },
});


/** Never ends while the file `flag` is missing (the tests never make it): a call that cannot finish before the run does. */
export const gated = deployable<{ flag: string }, { opened: true }>({
  runtime: 'nodejs:20',
  name: 'gated',
  code: {
    source:
      "const fs = require('node:fs');\n" +
      'async function main({ flag }) {\n' +
      '  while (!fs.existsSync(flag)) await new Promise((r) => setTimeout(r, 20));\n' +
      '  return { opened: true };\n' +
      '}\n',
  },
});
