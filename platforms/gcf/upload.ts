import type { protos } from '@google-cloud/functions';
import type { Dispatcher } from 'undici';
import { DeploymentError, errorFromHttpStatus, FalcoError, isConnectionError, TransientError } from '../../src/errors.js';
import { redact } from '../../src/secrets.js';
import type { Connection } from './connection.js';
import { apiError, excerpt, failureOf } from './errors.js';
import { abortable } from './operations.js';
import { MAX_ZIP_BYTES } from './package.js';

/**
 * Uploads the source zip the way Cloud Functions asks: a signed URL from `generateUploadUrl`, then
 * a plain PUT to it (no credentials: the URL carries its own signature, and is a secret itself).
 * Resolves with the uploaded object to name in `createFunction`.
 */
export async function uploadSource(
  connection: Connection,
  dispatcher: Dispatcher,
  zip: Buffer,
  signal: AbortSignal | undefined,
): Promise<protos.google.cloud.functions.v2.IStorageSource> {
  let uploadUrl: string | null | undefined;
  let storageSource: protos.google.cloud.functions.v2.IStorageSource | null | undefined;
  try {
    [{ uploadUrl, storageSource }] = await abortable(connection.client.generateUploadUrl({ parent: connection.parent }), signal);
  } catch (error) {
    throw failureOf(error, signal, (cause) => apiError(cause, 'generating an upload URL', connection.secrets, DeploymentError));
  }
  if (!uploadUrl || !storageSource?.bucket || !storageSource.object) {
    throw new DeploymentError('gcf: generateUploadUrl answered without an upload URL and object');
  }
  const url = new URL(uploadUrl);
  const secrets = [...connection.secrets, uploadUrl, url.search];
  try {
    const response = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'PUT',
      headers: { 'content-type': 'application/zip', 'x-goog-content-length-range': `0,${MAX_ZIP_BYTES}` },
      body: zip,
      signal,
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) {
      throw errorFromHttpStatus(response.statusCode, `gcf: uploading the function's code to ${url.host} failed with HTTP ${response.statusCode}${excerpt(text, secrets)}`);
    }
  } catch (error) {
    throw failureOf(error, signal, (cause) => {
      if (cause instanceof FalcoError) return cause;
      const message = `gcf: uploading the function's code to ${url.host} failed: ${redact(String((cause as Error).message), secrets)}`;
      return isConnectionError(cause) ? new TransientError(message, { cause }) : new DeploymentError(message, { cause });
    });
  }
  return { bucket: storageSource.bucket, object: storageSource.object };
}
