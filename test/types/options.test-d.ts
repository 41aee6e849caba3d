import { z } from 'zod';
import { AsyncExecutor, BatchedExecutor, ConcurrentExecutor, SequentialExecutor } from '../../executors/index.js';
import { deployable, type CongestionOptions, type DeployableOptions, type RetryOptions } from '../../src/index.js';
import { retryPolicy } from '../../src/spi.js';
import type { Expect, MatchesSchema } from '../../src/schema-check.js';

new ConcurrentExecutor({ concurrency: 8, retry: { maxAttempts: 2, retryOn: ['throttled'] }, speculation: { multiple: 4 } });
new ConcurrentExecutor({ congestion: { kind: 'aimd', initial: 4, max: 64 } });
new AsyncExecutor({ pollIntervalMs: 20, congestion: { kind: 'rate', perSecond: 100 } });
new BatchedExecutor({ batchSize: 10, pauseMs: 0 });
new SequentialExecutor({ attemptTimeoutMs: 5_000 });

// @ts-expect-error: the option is maxAttempts
retryPolicy({ maxAttempt: 3 });
// @ts-expect-error: fatal errors are never retried
const retry: RetryOptions = { retryOn: ['fatal'] };
// @ts-expect-error: a rate controller needs perSecond
const congestion: CongestionOptions = { kind: 'rate' };
// @ts-expect-error: the PID controller's gains are kp, ki, kd
new ConcurrentExecutor({ congestion: { kind: 'pid', targetPerSecond: 10, gain: 1 } });
// @ts-expect-error: the batched executor has no concurrency
new BatchedExecutor({ concurrency: 4 });
// @ts-expect-error: memoryMB is a number
deployable({ runtime: 'nodejs:20', code: { source: 'x' }, memoryMB: '256' });
// @ts-expect-error: code is one of { source }, { file }, { dir } or { zip }
const options: DeployableOptions = { runtime: 'nodejs:20', code: { url: 'x' } };

// Options left undefined take their defaults (exactOptionalPropertyTypes allows it).
declare const attempts: number | undefined;
retryPolicy({ maxAttempts: attempts });

export { congestion, options, retry };

// MatchesSchema, which checks every options interface against its schema, catches each kind of drift.
const schema = z.object({ maxAttempts: z.number().default(4), jitter: z.boolean().optional() }).strict();
type _Same = Expect<MatchesSchema<{ readonly maxAttempts?: number; readonly jitter?: boolean }, typeof schema>>;
// @ts-expect-error: an option the schema does not have
type _Extra = Expect<MatchesSchema<{ readonly maxAttempts?: number; readonly jitter?: boolean; readonly factor?: number }, typeof schema>>;
// @ts-expect-error: an option the interface lost
type _Missing = Expect<MatchesSchema<{ readonly maxAttempts?: number }, typeof schema>>;
// @ts-expect-error: required, where the schema has a default
type _Required = Expect<MatchesSchema<{ readonly maxAttempts: number; readonly jitter?: boolean }, typeof schema>>;
// @ts-expect-error: a type the schema refuses
type _Type = Expect<MatchesSchema<{ readonly maxAttempts?: string; readonly jitter?: boolean }, typeof schema>>;
