import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { suiteTempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);

/** dist/, where the compiled platform lives. */
const DIST = new URL('../../../', import.meta.url).href;

/**
 * Calls every entry point of the gcf adapter with no credentials anywhere, catches each failure and
 * prints it; then closes the platform and lets the event loop run dry. An unhandled rejection
 * anywhere crashes this process (exit code 1) before it can print.
 */
const CHILD = `
import { cleanupGcf, GcfPlatform } from '${DIST}platforms/gcf/index.js';
import { deployable } from '${DIST}src/index.js';

const options = JSON.parse(process.argv[2]);
const code = deployable({ runtime: 'nodejs:20', code: { source: 'function main() { return {}; }' }, name: 'hello' });
const deployment = { name: 'falco-hello-0123abcd', platform: 'gcf', runtime: 'nodejs:20', memoryMB: 256, timeoutMs: 60000, idempotent: true, uri: 'http://127.0.0.1:9/' };
const platform = new GcfPlatform(options);
const failures = {};
const calls = {
  deploy: () => platform.deploy(code),
  fetchDeployment: () => platform.fetchDeployment(deployment.name),
  invoke: () => platform.invoke(deployment, {}, { invocationId: 'i0', attempt: 1 }),
  remove: () => platform.remove(deployment),
  cleanupGcf: () => cleanupGcf(options),
};
for (const [name, call] of Object.entries(calls)) {
  try {
    await call();
    failures[name] = 'it succeeded';
  } catch (error) {
    failures[name] = { type: error.constructor.name, errorClass: error.errorClass, message: error.message };
  }
}
await platform.close();
await new Promise((resolve) => setTimeout(resolve, 50));
console.log(JSON.stringify(failures));
`;

/** This process's environment without any Google credentials or project, and with an empty home (no gcloud configuration). */
function withoutCredentials(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, METADATA_SERVER_DETECTION: 'none' };
  for (const name of ['GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT', 'CLOUDSDK_CONFIG']) delete env[name];
  return env;
}

describe('gcf with no credentials', { timeout: 120_000 }, () => {
  const dir = suiteTempDir('falco-gcf-credentials-');

  for (const [label, options] of [
    ['with a project', { projectId: 'my-project-42' }],
    ['without a project', {}],
  ] as const) {
    test(`${label}: every call fails with a ConfigError that says how to give credentials, and the process lives on`, async () => {
      const script = join(dir(), 'no-credentials.mjs');
      await writeFile(script, CHILD);
      const { stdout, stderr } = await run(process.execPath, [script, JSON.stringify(options)], { env: withoutCredentials(dir()) }).catch(
        (error: { code?: number; stderr?: string }) => assert.fail(`the process crashed (exit code ${error.code}):\n${error.stderr}`),
      );
      assert.doesNotMatch(stderr, /unhandled|Error/i);
      const failures = JSON.parse(stdout) as Record<string, { type: string; errorClass: string; message: string }>;
      assert.deepEqual(Object.keys(failures), ['deploy', 'fetchDeployment', 'invoke', 'remove', 'cleanupGcf']);
      for (const [call, failure] of Object.entries(failures)) {
        assert.equal(failure.type, 'ConfigError', `${call}: ${JSON.stringify(failure)}`);
        assert.equal(failure.errorClass, 'fatal');
        assert.match(failure.message, /^gcf: no usable Google Cloud credentials \(Could not load the default credentials/);
        for (const way of ['credentials option', 'keyFilename', 'GOOGLE_APPLICATION_CREDENTIALS', 'Application Default Credentials']) {
          assert.ok(failure.message.includes(way), `${call}: the message names ${way}: ${failure.message}`);
        }
      }
    });
  }
});
