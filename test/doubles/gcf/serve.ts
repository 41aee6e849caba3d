/**
 * Runs the Cloud Functions double on its own, to try a driver against it by hand:
 *
 *   node dist/test/doubles/gcf/serve.js
 *
 * It writes a service-account key for itself to a temporary file, prints the command line that
 * runs the example against it, and serves until interrupted.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GcfDouble } from './double.js';

const double = await GcfDouble.start();
const dir = await mkdtemp(join(tmpdir(), 'falco-gcf-key-'));
const keyFile = join(dir, 'key.json');
await writeFile(keyFile, JSON.stringify(double.serviceAccount().credentials), { mode: 0o600 });
console.log(`Cloud Functions double at ${double.url} (project ${double.project}). Try:`);
console.log(
  `  METADATA_SERVER_DETECTION=none GOOGLE_APPLICATION_CREDENTIALS=${keyFile} GOOGLE_CLOUD_PROJECT=${double.project} ` +
    `node dist/example/example.js --platform gcf --endpoint ${double.url}`,
);

async function stop(): Promise<void> {
  await double.stop();
  await rm(dir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
