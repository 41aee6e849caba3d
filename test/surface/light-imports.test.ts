import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeImport } from '../../bench/import-probe/index.js';

/** Packages a driver must not pay for at import: validation, observability, packaging, cloud SDKs and store clients. */
const HEAVY = ['zod', '@opentelemetry/api', 'cli-progress', 'archiver', 'yaml', 'cloudevents', 'openwhisk', 'google-auth-library', 'undici', '@redis/client'];
const HEAVY_SCOPES = ['@aws-sdk/', '@smithy/', '@google-cloud/'];

function heavyLoaded(packages: ReadonlyMap<string, number>): string[] {
  return [...packages.keys()].filter((name) => HEAVY.includes(name) || HEAVY_SCOPES.some((scope) => name.startsWith(scope))).sort();
}

describe('what importing an entry point loads', () => {
  it("import 'falco' loads falco's own modules and no package", async () => {
    const loaded = await probeImport('falco');
    assert.deepEqual(heavyLoaded(loaded.packages), []);
    assert.ok(loaded.files.some((file) => file.endsWith('/dist/src/driver.js')), 'the probe sees the driver load');
  });

  it("import 'falco/platforms/local' loads no zip writer, tracing, progress bar or SDK", async () => {
    const loaded = await probeImport('falco/platforms/local');
    assert.deepEqual(heavyLoaded(loaded.packages).filter((name) => name !== 'zod'), []);
    assert.ok(loaded.files.some((file) => file.endsWith('/dist/platforms/local/index.js')));
  });

  it("import 'falco/stores' loads no Redis client, and 'falco/stores/redis' is where it loads", async () => {
    const [stores, redis] = await Promise.all([probeImport('falco/stores'), probeImport('falco/stores/redis')]);
    assert.deepEqual(heavyLoaded(stores.packages), []);
    assert.ok(stores.files.some((file) => file.endsWith('/dist/stores/index.js')));
    assert.deepEqual(heavyLoaded(redis.packages), ['@redis/client']);
  });

  it("import 'falco/observe' loads OpenTelemetry, and cli-progress only once bars are drawn", async () => {
    const loaded = await probeImport('falco/observe');
    assert.deepEqual(heavyLoaded(loaded.packages), ['@opentelemetry/api']);
  });

  it("import 'falco/flows' loads no YAML parser or progress bar: they load when first used", async () => {
    const loaded = await probeImport('falco/flows');
    assert.ok(!loaded.packages.has('yaml') && !loaded.packages.has('cli-progress'), [...loaded.packages.keys()].join(', '));
    assert.ok(loaded.files.some((file) => file.endsWith('/dist/flows/littleflow/literals.js')), 'the probe sees the Littleflow compiler load');
  });

  it('the probe sees CommonJS modules and what they require', async () => {
    const loaded = await probeImport('yaml');
    assert.ok((loaded.packages.get('yaml') ?? 0) > 1, 'yaml is CommonJS: its own requires are counted too');
  });
});
