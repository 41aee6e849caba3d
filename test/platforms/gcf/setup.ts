import { v2, type protos } from '@google-cloud/functions';
import { after, before } from 'node:test';
import { deployable } from '../../../src/index.js';
import { GcfPlatform, type GcfOptions } from '../../../platforms/gcf/index.js';
import { packageFunction } from '../../../platforms/gcf/package.js';
import { gcfRuntime } from '../../../platforms/gcf/runtimes.js';
import { GcfDouble, type GcfDoubleOptions } from '../../doubles/gcf/double.js';
import type { ServiceAccount } from '../../doubles/gcf/service-account.js';

// The auth library must never probe the metadata server's address from a test.
process.env.METADATA_SERVER_DETECTION = 'none';

export interface GcfTestbed {
  readonly double: GcfDouble;
  readonly account: ServiceAccount;
  /** Options that reach the double with the real client: REST, plain http, the account's key. */
  readonly options: GcfOptions;
}

export async function startTestbed(options: GcfDoubleOptions = {}): Promise<GcfTestbed> {
  const double = await GcfDouble.start(options);
  const account = double.serviceAccount();
  return {
    double,
    account,
    options: {
      projectId: double.project,
      region: 'us-central1',
      credentials: account.credentials,
      apiEndpoint: new URL(double.url).host,
      protocol: 'http',
      fallback: true,
    },
  };
}

/** A testbed and a platform on it for the enclosing suite, started before its tests and stopped after. Call inside `describe`. */
export function suiteTestbed(): { bed: () => GcfTestbed; platform: () => GcfPlatform } {
  let bed: GcfTestbed | undefined;
  let platform: GcfPlatform | undefined;
  before(async () => {
    bed = await startTestbed();
    platform = new GcfPlatform(bed.options);
  });
  after(async () => {
    await platform?.close();
    await bed?.double.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the suite testbed exists only while its tests run');
    return value;
  };
  return { bed: () => started(bed), platform: () => started(platform) };
}

/** The real v2 client against the double, as any other tool would use it. */
export function apiClient(bed: GcfTestbed): v2.FunctionServiceClient {
  const port = Number(new URL(bed.double.url).port);
  return new v2.FunctionServiceClient({ credentials: bed.account.credentials, apiEndpoint: '127.0.0.1', port, protocol: 'http', fallback: true });
}

/** Uploads a deployable Node.js zip the documented way and returns the storage source to create a function from. */
export async function uploadSource(bed: GcfTestbed, client: v2.FunctionServiceClient): Promise<protos.google.cloud.functions.v2.IStorageSource> {
  const code = deployable({ runtime: 'nodejs:20', code: { source: 'function main() { return {}; }' }, name: 'other' });
  const [{ uploadUrl, storageSource }] = await client.generateUploadUrl({ parent: `projects/${bed.double.project}/locations/us-central1` });
  const upload = await fetch(uploadUrl ?? '', {
    method: 'PUT',
    headers: { 'content-type': 'application/zip', 'x-goog-content-length-range': '0,104857600' },
    body: await packageFunction(code, gcfRuntime(code.runtime)),
  });
  if (upload.status !== 200 || !storageSource) throw new Error(`upload failed: ${upload.status}`);
  return storageSource;
}
