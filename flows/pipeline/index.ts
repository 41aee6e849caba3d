/** Pipelines (after Faasflow): modify / apply / applyEach / callback / onFailure / finally, phases forwarded in process or through the event engine. */
export { pipeline, Pipeline, type ControlOptions, type PipelineOptions, type PipelineResult, type RunOptions as PipelineRunOptions, type SubmitOptions } from './pipeline.js';
export type { ApplyEachOptions, ApplyOptions, CallbackOptions, FailureHandler, FinalState, FinallyHandler, StepContext, StepState } from './steps.js';
export { checkForwarding, PIPELINE_REQUEST_TYPE, type EventForwarding, type SignedRequest } from './forwarding.js';
// The pipeline as a function that forwards itself (Faasflow's model), served by an action worker.
export type { FunctionForwarding } from './function-forwarding.js';
export { SERVE_KEYS_ENV, servedPipelines } from './function-serve.js';
export { pipelineDeployable, type PipelineFunctionOptions, type PipelineFunctionReply } from './function.js';
export type { PhaseTiming, RequestState, RequestStatus } from './ledger.js';
export type { PipelineRequest } from './request.js';
export { ForwardedRequestError, PipelineFailedError, PipelineStoppedError, StepFailedError } from './errors.js';
// Signed forwarding, the replay guard, callback URLs and header redaction.
export { ReplayError, SignatureError, type SignatureErrorKind } from './errors.js';
export type { ReceivedHeaders, ReplayGuard, RequestSigner, SignatureHeaders, SignedForwarding, SigningKeys } from './forwarding-types.js';
export {
  createSigner,
  DEFAULT_MAX_AGE_MS,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  ISSUED_AT_HEADER,
  KEY_ID_HEADER,
  MIN_SECRET_BYTES,
  SIGNATURE_HEADER,
  unsignedForwarding,
  type SignerOptions,
} from './signing.js';
export { DEFAULT_REPLAY_TTL_MS, StateReplayGuard } from './signing-replay.js';
export { checkCallbackUrl } from './signing-callback.js';
export { redactHeaders, type HeaderRecord } from './signing-headers.js';
