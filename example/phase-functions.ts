/**
 * A phase can call its own function: `Phase.deployable`. Here the map phase squares numbers in
 * Python and the reduce phase sums them in JavaScript, each phase deploying its own function, on
 * the local platform:
 *
 *   node dist/example/phase-functions.js      # prints { sum: 285 }
 */
import { ConcurrentExecutor } from '../executors/index.js';
import { createPlatform } from '../platforms/index.js';
import { deployable, Driver, outputsOf, plan, type Runtime } from '../src/index.js';
import { describeError } from '../src/observe/index.js';

const square = deployable<{ n: number }, { square: number }>({ runtime: 'python:3', name: 'square', code: { source: 'def main(args):\n    return {"square": args["n"] ** 2}\n' } });
const sum = deployable<{ values: number[] }, { sum: number }>({ runtime: 'nodejs:20', name: 'sum', code: { source: 'function main({ values }) { return { sum: values.reduce((a, b) => a + b, 0) }; }' } });

class SumOfSquares extends Driver {
  // The runtime's deployable is the default for phases that name none; both phases here name theirs.
  runtime(): Runtime {
    return { makeDeployment: () => square, invocationPayload: () => [] };
  }

  // plan() carries the types: the reduce's `previous` holds the squares, and run() resolves with
  // one typed PhaseResult per phase.
  override executionPlan() {
    return plan(
      { id: 'map', deployable: square, invocations: Array.from({ length: 10 }, (_, n) => ({ input: { n } })) },
      { id: 'reduce', deployable: sum, invocations: ({ previous }) => [{ input: { values: outputsOf(previous!).map((o) => o.square) } }] },
    );
  }
}

const platform = await createPlatform('local');
try {
  const result = await new SumOfSquares().run({ platform, executor: new ConcurrentExecutor({ concurrency: 4 }) });
  console.log(result.phases[1].invocations[0]?.output); // { sum: number }, as the sum function declares
} catch (error) {
  console.error(`example failed: ${describeError(error)}`);
  process.exitCode = 1;
} finally {
  await platform.close();
}
