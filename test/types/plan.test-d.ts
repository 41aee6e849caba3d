import { deployable, Driver, ExecutionPlan, outputsOf, plan, readOutputs, type Phase, type PhaseResult, type Runtime } from '../../src/index.js';
import type { Equal, Expect } from '../../src/schema-check.js';

const square = deployable<{ n: number }, { square: number }>({ runtime: 'nodejs:20', name: 'square', code: { source: 'x' } });
const sum = deployable<{ values: number[] }, { sum: number }>({ runtime: 'nodejs:20', name: 'sum', code: { source: 'x' } });

// The next phase's previous knows the output type; outputsOf needs no type argument.
const typed = plan(
  { id: 'map', deployable: square, invocations: [{ input: { n: 1 } }, { input: { n: 2 } }] },
  {
    id: 'reduce',
    deployable: sum,
    invocations: ({ previous }) => {
      type _Previous = Expect<Equal<typeof previous, PhaseResult<unknown, { square: number }> | undefined>>;
      return [{ input: { values: outputsOf(previous!).map((o) => o.square) } }];
    },
  },
);

class Squares extends Driver<{ n: number }> {
  runtime(): Runtime<{ n: number }> {
    return { makeDeployment: () => square, invocationPayload: () => [{ input: { n: 1 } }] };
  }
  override executionPlan() {
    return typed;
  }
}

declare const driver: Squares;
const result = await driver.run({ platform: null!, executor: null! });
type _Phases = Expect<Equal<typeof result.phases, [PhaseResult<{ n: number }, { square: number }>, PhaseResult<{ values: number[] }, { sum: number }>]>>;
const sums: { sum: number }[] = outputsOf(result.phases[1]);
for await (const output of readOutputs(result.phases[0])) {
  type _Output = Expect<Equal<typeof output, { square: number }>>;
}

// A wrong input for the phase's function is a compile error.
plan({
  id: 'map',
  deployable: square,
  // @ts-expect-error: square takes { n: number }
  invocations: [{ input: { n: 'one' } }],
});

// Reading previous as what it is not is a compile error.
plan(
  { id: 'map', deployable: square, invocations: [{ input: { n: 1 } }] },
  {
    id: 'reduce',
    deployable: sum,
    // @ts-expect-error: the map's outputs have no `total`
    invocations: ({ previous }) => [{ input: { values: outputsOf(previous!).map((o) => o.total) } }],
  },
);

// A tuple of phases built apart: a phase that reads the wrong previous type is refused.
const map: Phase<{ n: number }, { square: number }> = { id: 'map', deployable: square, invocations: [{ input: { n: 1 } }] };
const reduce: Phase<{ values: number[] }, { sum: number }, { square: number }> = {
  id: 'reduce',
  deployable: sum,
  invocations: ({ previous }) => [{ input: { values: outputsOf(previous!).map((o) => o.square) } }],
};
const reduceStrings: Phase<{ values: number[] }, { sum: number }, string> = { id: 'reduce', deployable: sum, invocations: [] };
const tuple = new ExecutionPlan([map, reduce] as const);
type _Tuple = Expect<Equal<typeof tuple.phases, readonly [typeof map, typeof reduce]>>;
// @ts-expect-error: reduceStrings reads strings, the map gives { square: number }
new ExecutionPlan([map, reduceStrings] as const);

// Untyped use keeps working, with `unknown` outputs.
const untyped = new ExecutionPlan([
  { id: 'map', invocations: [{ input: { n: 1 } }] },
  { id: 'reduce', invocations: ({ previous }) => [{ input: { count: outputsOf(previous!).length } }] },
]);
class Untyped extends Driver {
  runtime(): Runtime {
    return { makeDeployment: () => deployable({ runtime: 'nodejs:20', code: { source: 'x' } }), invocationPayload: () => [] };
  }
  override executionPlan() {
    return untyped;
  }
}
declare const untypedDriver: Untyped;
const untypedResult = await untypedDriver.run({ platform: null!, executor: null! });
type _Untyped = Expect<Equal<(typeof untypedResult.phases)[number]['invocations'][number]['output'], unknown>>;

export { sums };
