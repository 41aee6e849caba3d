export { Budget, PhaseBudget, type BudgetOptions } from './budget.js';
export { now, realClock, sleep, type Clock } from './clock.js';
export type { MemoryRetry, MemoryRetryOptions } from './memory-retry.js';
export { deployable, type Code, type Deployable, type DeployableOptions } from './deployable.js';
export { Driver, type DriverExecuteOptions, type RunOptions, type RunResult } from './driver.js';
export { deployableDigest } from './deployable-digest.js';
export {
  AbortedError,
  ConfigError,
  DeploymentError,
  ERROR_CLASSES,
  errorFromHttpStatus,
  FalcoError,
  FatalError,
  FunctionError,
  isConnectionError,
  isOutOfMemory,
  parseRetryAfter,
  PhaseNotStartedError,
  PlanError,
  ThrottledError,
  TimeoutError,
  toFalcoError,
  TransientError,
  type ErrorClass,
  type FalcoErrorOptions,
  type PlatformTimings,
} from './errors.js';
export { EventBus, type FalcoEvents } from './events.js';
export {
  BaseExecutor,
  parseExecutorOptions,
  commonExecutorSchema,
  type CommonExecutorOptions,
  type ExecuteOptions,
  type Executor,
  type PhaseRun,
} from './executor.js';
export {
  createInvocations,
  invocationMaker,
  errorInfo,
  type Attempt,
  type ErrorInfo,
  type Invocation,
  type InvocationRequest,
  type InvocationStatus,
} from './invocation.js';
export { FileJournal, JournalError, journalKey, type Journal, type JournalRecord, type ResumeOptions } from './journal/index.js';
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
  type CongestionOptions,
  type PidSettings,
  type SlotLimit,
  type Slots,
} from './congestion/index.js';
export { PhaseExecution, type PendingInvocations } from './phase-execution.js';
export { speculationSchema, type SpeculationOptions } from './speculation.js';
export { countStatuses, outputsOf, readOutputs, type PhaseResult, type StoredRecords } from './phase-result.js';
export { ExecutionPlan, type InvocationSource, type Phase, type PhaseContext, type RequestSource } from './plan.js';
export type { CallOptions, Deployment, InvokeOptions, InvokeResult, Platform, Submission } from './platform.js';
export { retryPolicy, type RetryOptions, type RetryPolicy } from './retry.js';
export { KNOWN_RUNTIME_IDS, parseRuntimeId, type Language, type Runtime, type RuntimeId, type RuntimeOptions } from './runtime.js';
export { isSecretName, redact, redactUrl } from './secrets.js';
export {
  costLine,
  createRecordWriter,
  CSV_COLUMNS,
  CsvWriter,
  describeError,
  formatSummary,
  JsonLinesWriter,
  observe,
  PhaseTracker,
  PRICE_TABLES,
  priceTableFor,
  Progress,
  readRecords,
  recordFormatOf,
  RecordWriter,
  renderReport,
  reportHtml,
  reportModel,
  RunStats,
  RunTracer,
  SUMMARY_COLUMNS,
  SUMMARY_NOTES,
  TRACER_NAME,
  writeReport,
  type Billing,
  type CostEstimate,
  type CsvColumn,
  type Distribution,
  type FailedInvocation,
  type Failures,
  type Observation,
  type ObserveOptions,
  type PhaseColumns,
  type PhaseInfo,
  type PhaseSummary,
  type PriceTable,
  type PricingOptions,
  type ProgressOptions,
  type RecordRow,
  type RunOutcome,
  type ReportModel,
  type ReportOptions,
  type RunSummary,
  type Stats,
  type SummaryColumn,
  type TimelineBar,
  type TracingOptions,
} from './observe/index.js';
