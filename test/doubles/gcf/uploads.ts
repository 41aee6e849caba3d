import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendText } from './http.js';

interface StoredObject {
  readonly signature: string;
  zip?: Buffer;
}

/** What the uploads saw, for tests: how each PUT was made. */
export interface UploadRecord {
  readonly object: string;
  readonly contentType: string | undefined;
  readonly lengthRange: string | undefined;
  readonly authorization: boolean;
  readonly bytes: number;
}

/**
 * The upload bucket: signed URLs from `generateUploadUrl`, and the PUT that stores a zip under one.
 * Like Cloud Storage it checks the signature and the signed headers (content type, length range),
 * and refuses credentials next to a signed URL.
 */
export class Uploads {
  readonly #objects = new Map<string, StoredObject>();
  readonly #base: string;
  readonly seen: UploadRecord[] = [];

  constructor(base: string) {
    this.#base = base;
  }

  generate(region: string): { uploadUrl: string; storageSource: { bucket: string; object: string } } {
    const bucket = `uploads-${randomBytes(6).toString('hex')}.${region}.cloudfunctions.appspot.com`;
    const object = `${randomUUID()}.zip`;
    const signature = randomBytes(32).toString('base64');
    this.#objects.set(`${bucket}/${object}`, { signature });
    const expires = Math.floor(Date.now() / 1000) + 1800;
    const query = new URLSearchParams({ GoogleAccessId: 'service-123456789012@gcf-admin-robot.iam.gserviceaccount.com', Expires: String(expires), Signature: signature });
    return { uploadUrl: `${this.#base}/upload/${bucket}/${object}?${query}`, storageSource: { bucket, object } };
  }

  zip(bucket: string, object: string): Buffer | undefined {
    return this.#objects.get(`${bucket}/${object}`)?.zip;
  }

  /** `PUT /upload/{bucket}/{object}?...&Signature=...` */
  async put(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const key = url.pathname.slice('/upload/'.length);
    const body = await readBody(request);
    const contentType = request.headers['content-type'];
    const lengthRange = request.headers['x-goog-content-length-range'] as string | undefined;
    this.seen.push({ object: key, contentType, lengthRange, authorization: request.headers.authorization !== undefined, bytes: body.length });
    const stored = this.#objects.get(key);
    if (request.method !== 'PUT' || !stored) return storageError(response, 404, 'NoSuchKey', 'The specified key does not exist.');
    if (request.headers.authorization) {
      return storageError(response, 400, 'InvalidArgument', 'A signed URL request must not carry an Authorization header.');
    }
    const signed = url.searchParams.get('Signature') === stored.signature && contentType === 'application/zip' && lengthRange !== undefined;
    if (!signed) {
      return storageError(response, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    const [min, max] = lengthRange.split(',').map(Number);
    if (min === undefined || max === undefined || body.length < min || body.length > max) {
      return storageError(response, 400, 'EntityTooLarge', 'Your proposed upload is larger than the maximum object size specified in your Policy Document.');
    }
    stored.zip = body;
    sendText(response, 200, '');
  }
}

function storageError(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/xml; charset=UTF-8' });
  response.end(`<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}
