// Each line after an `// error:` comment must fail to compile with a message containing its text;
// nothing else here may fail. The type tests (`*.test-d.ts`) assert these and more with expected-error
// directives; this file also says why each misspelling fails.
import { ConcurrentExecutor } from '../../../executors/index.js';
import { cleanupPlatform, createPlatform } from '../../../platforms/index.js';
import { retryPolicy } from '../../../src/spi.js';

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
