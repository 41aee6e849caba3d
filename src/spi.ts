// `falco/spi`: for those who write an executor, a platform or a store. A driver needs only `falco`.
export { Budget, PhaseBudget } from './budget.js';
export { now, realClock, sleep, type Clock } from './clock.js';
export type { MemoryRetry } from './memory-retry.js';
export { deployableDigest } from './deployable-digest.js';
export { ERROR_CLASSES, errorFromHttpStatus, isConnectionError, isOutOfMemory, parseRetryAfter, toFalcoError } from './errors.js';
export { BaseExecutor, parseExecutorOptions, commonExecutorSchema, type ExecuteOptions, type PhaseRun } from './executor.js';
export { createInvocations, invocationMaker, errorInfo } from './invocation.js';
export { journalKey } from './journal/index.js';
export { findNonJsonValue } from './json.js';
export { parseOptions } from './options.js';
export { blockingCall, type PlatformCall } from './call.js';
export {
  AimdController,
  congestionSchema,
  createCongestionController,
  fixedConcurrency,
  PidController,
  SlotWindow,
  TokenBucketController,
  type AimdSettings,
  type CallOutcome,
  type CongestionController,
  type PidSettings,
  type SlotLimit,
  type Slots,
} from './congestion/index.js';
export { PhaseExecution, type PendingInvocations } from './phase-execution.js';
export { speculationSchema } from './speculation.js';
export { countStatuses } from './phase-result.js';
export type { InvokeOptions, InvokeResult, Submission } from './platform.js';
export { retryPolicy, type RetryPolicy } from './retry.js';
export { KNOWN_RUNTIME_IDS, parseRuntimeId } from './runtime.js';
export { isSecretName, redact, redactUrl } from './secrets.js';
