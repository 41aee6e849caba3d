export { cleanupLambda, type CleanupLambdaOptions } from './cleanup.js';
export { PayloadTooLargeError, SYNC_PAYLOAD_LIMIT_BYTES } from './errors.js';
export type { LambdaConnectionOptions, LambdaCredentials, LambdaOptions } from './options.js';
export { LambdaPlatform } from './platform.js';
