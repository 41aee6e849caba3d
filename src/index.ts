// `falco`: what a driver needs. Plug-in internals are in `falco/spi`; observability in `falco/observe`.
export type { BudgetOptions } from './budget.js';
export type { MemoryRetryOptions } from './memory-retry.js';
export { deployable, type Code, type Deployable, type DeployableOptions } from './deployable.js';
export { Driver, type DriverExecuteOptions, type PhaseResults, type PlanPhasesOf, type RunOptions, type RunResult } from './driver.js';
export {
  AbortedError,
  ConfigError,
  DeploymentError,
  FalcoError,
  FatalError,
  FunctionError,
  PhaseNotStartedError,
  PlanError,
  ThrottledError,
  TimeoutError,
  TransientError,
  type ErrorClass,
  type FalcoErrorOptions,
  type PlatformTimings,
} from './errors.js';
export { EventBus, type FalcoEvents } from './events.js';
export type { CommonExecutorOptions, Executor } from './executor.js';
export type { Attempt, ErrorInfo, Invocation, InvocationRequest, InvocationStatus } from './invocation.js';
export { FileJournal, JournalError, type Journal, type JournalRecord, type ResumeOptions } from './journal/index.js';
export type { AimdCongestionOptions, CongestionOptions, FixedCongestionOptions, PidCongestionOptions, RateCongestionOptions } from './congestion/index.js';
export type { SpeculationOptions } from './speculation.js';
export { outputsOf, readOutputs, type PhaseResult, type StoredRecords } from './phase-result.js';
export { ExecutionPlan, plan, type AnyPhase, type ChainedPhases, type InvocationSource, type Phase, type PhaseContext, type PhaseInput, type PhaseOutput, type RequestSource } from './plan.js';
export type { CallOptions, Deployment, Platform } from './platform.js';
export type { RetryOptions } from './retry.js';
export type { Language, Runtime, RuntimeId } from './runtime.js';
