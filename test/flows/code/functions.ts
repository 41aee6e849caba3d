import { existsSync, readFileSync } from 'node:fs';
import { deployable } from '../../../src/index.js';

/** The lines of a counter file (one idempotency key per execution); none when nothing ran yet. */
export function counted(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** Squares n and sums squares; with a `counter` file, each call first appends its idempotency key to it (one line per execution). */
export function countedFunctions(counter?: string) {
  const params = counter === undefined ? {} : { counter };
  const square = deployable<{ n: number }, { square: number }>({
    runtime: 'nodejs:20',
    name: 'square',
    params,
    code: {
      source:
        "const fs = require('node:fs');\n" +
        'function main({ n, counter, idempotencyKey }) {\n' +
        "  if (counter) fs.appendFileSync(counter, idempotencyKey + '\\n');\n" +
        '  return { square: n * n };\n' +
        '}\n',
    },
  });
  const sum = deployable<{ results: { square: number }[] }, { sum: number }>({
    runtime: 'nodejs:20',
    name: 'sum',
    params,
    code: {
      source:
        "const fs = require('node:fs');\n" +
        'function main({ results, counter, idempotencyKey }) {\n' +
        "  if (counter) fs.appendFileSync(counter, idempotencyKey + '\\n');\n" +
        '  return { sum: results.reduce((total, v) => total + v.square, 0) };\n' +
        '}\n',
    },
  });
  return { square, sum };
}

export const { square, sum } = countedFunctions();

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
