import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pipeline, type Pipeline } from '../../../flows/index.js';
import { deployable } from '../../../src/index.js';

const square = deployable<{ n: number }, { square: number }>({ runtime: 'nodejs:20', name: 'square', code: { source: 'function main({ n }) { return { square: n * n }; }' } });
const shout = deployable<{ text: string }, { text: string }>({ runtime: 'nodejs:20', name: 'shout', code: { source: 'function main({ text }) { return { text: text.toUpperCase() }; }' } });
const untyped = deployable({ runtime: 'nodejs:20', name: 'any', code: { source: 'function main(args) { return args; }' } });

// The checks are the compile: `tsc` (npm test's build) fails if any line marked @ts-expect-error compiles.
function typeChecks(): void {
  // One step's output is the next one's input, from the request's input to the result.
  const typed: Pipeline<{ n: number }, { total: number }> = pipeline<{ n: number }>('typed')
    .apply(square)
    .modify((data) => ({ total: data.square }));
  void typed;

  // @ts-expect-error shout takes { text }, and the request is { n }
  pipeline<{ n: number }>('wrong-input').apply(shout);

  // @ts-expect-error square gives { square }, and shout takes { text }
  pipeline<{ n: number }>('wrong-chain').apply(square).apply(shout);

  // @ts-expect-error applyEach needs a list of the function's inputs
  pipeline<{ n: number }>('not-a-list').applyEach(square);

  const fanned: Pipeline<Array<{ n: number }>, number> = pipeline<Array<{ n: number }>>('fan')
    .applyEach(square)
    .modify((outputs) => outputs.reduce((sum, { square: s }) => sum + s, 0));
  void fanned;

  // @ts-expect-error a modifier is handed the output type of the step before
  pipeline<{ n: number }>('wrong-modify').apply(square).modify((data: { text: string }) => data);

  // @ts-expect-error run() takes the pipeline's input type
  void pipeline<{ n: number }>('wrong-run').apply(square).run({ text: 'x' }, { platform: undefined! });

  // @ts-expect-error finally sees the pipeline's output type
  pipeline<{ n: number }>('wrong-finally').apply(square).finally((final) => (final.state === 'succeeded' ? final.output.text : ''));

  // An untyped deployable takes anything and gives unknown.
  pipeline<{ n: number }>('untyped').apply(untyped).modify((data: unknown) => data);
}

describe('pipeline types', () => {
  it('the type checks compile (the build runs them); the builder keeps every step', () => {
    assert.equal(typeof typeChecks, 'function');
    assert.equal(pipeline('kept').apply(untyped).apply(untyped).name, 'kept');
  });
});
