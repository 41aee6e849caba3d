/** Pipelines (after Faasflow): modify / apply / applyEach / callback / onFailure / finally, phases forwarded in process or through the event engine. */
export { pipeline, Pipeline, type ControlOptions, type PipelineOptions, type PipelineResult, type RunOptions as PipelineRunOptions, type SubmitOptions } from './pipeline.js';
export type { ApplyEachOptions, ApplyOptions, CallbackOptions, EmbeddedState, FailureHandler, FinalState, FinallyHandler, StepContext } from './steps.js';
export { checkForwarding, PIPELINE_REQUEST_TYPE, type EventForwarding } from './forwarding.js';
export type { PhaseTiming, RequestState, RequestStatus } from './ledger.js';
export type { PipelineRequest } from './request.js';
export { ForwardedRequestError, PipelineFailedError, PipelineStoppedError, StepFailedError } from './errors.js';
export type { RequestSigner, ReplayGuard, SignatureHeaders, SigningKeys } from './forwarding-types.js';
export { createSigner, unsignedForwarding, type SignerOptions } from './signing.js';
export { ReplayError, SignatureError, type SignatureErrorKind } from './errors.js';
