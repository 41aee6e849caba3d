// Each line after an `// error:` comment must fail to compile with a message containing its text;
// nothing else here may fail. The type tests (`*.test-d.ts`) say the same with @ts-expect-error;
// this file also says why each one fails.
import { ConcurrentExecutor } from '../../../executors/index.js';
import { cleanupPlatform, createPlatform } from '../../../platforms/index.js';
import { deployable, outputsOf, plan, retryPolicy } from '../../../src/index.js';

const square = deployable<{ n: number }, { square: number }>({ runtime: 'nodejs:20', code: { source: 'x' } });

// error: '"lcoal"' is not assignable to parameter of type
await createPlatform('lcoal');
// error: 'maxInstanses' does not exist in type 'LocalPlatformOptions'
await createPlatform('local', { maxInstanses: 3 });
// error: 'prefx' does not exist in type 'CleanupLambdaOptions'
await cleanupPlatform('lambda', { prefx: 'falco-' });
// error: 'maxAttempt' does not exist in type 'RetryOptions'
retryPolicy({ maxAttempt: 3 });
// error: 'concurency' does not exist in type 'ConcurrentExecutorOptions'
new ConcurrentExecutor({ concurency: 8 });
plan({
  id: 'map',
  deployable: square,
  // error: Type 'string' is not assignable to type 'number'
  invocations: [{ input: { n: 'one' } }],
});
plan(
  { id: 'map', deployable: square, invocations: [{ input: { n: 1 } }] },
  {
    id: 'reduce',
    // error: Property 'total' does not exist on type '{ square: number; }'
    invocations: ({ previous }) => [{ input: outputsOf(previous!).map((o) => o.total) }],
  },
);
