import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deployable, FatalError } from '../../../src/index.js';
import { cleanupGcf, GcfPlatform } from '../../../platforms/gcf/index.js';
import { apiClient, startTestbed, uploadSource, type GcfTestbed } from './setup.js';

const code = deployable({ runtime: 'nodejs:20', code: { source: 'function main() { return {}; }' }, name: 'left' });

/** Creates a function falco did not deploy, with the client as any other tool would. */
async function createOtherFunction(bed: GcfTestbed, id: string): Promise<void> {
  const client = apiClient(bed);
  try {
    const storageSource = await uploadSource(bed, client);
    const [operation] = await client.createFunction({
      parent: `projects/${bed.double.project}/locations/us-central1`,
      functionId: id,
      function: { buildConfig: { runtime: 'nodejs20', entryPoint: 'falcoHandler', source: { storageSource } } },
    });
    await operation.promise();
  } finally {
    await client.close();
  }
}

describe('gcf: cleanupGcf removes what falco left behind', { timeout: 120_000 }, () => {
  let bed: GcfTestbed;
  let leftovers: string[];

  before(async () => {
    bed = await startTestbed({ pageSize: 2 });
    const platform = new GcfPlatform(bed.options);
    try {
      leftovers = [];
      for (let i = 0; i < 3; i++) leftovers.push((await platform.deploy(code)).name);
    } finally {
      await platform.close();
    }
    await createOtherFunction(bed, 'someone-else');
  });
  after(async () => {
    await bed.double.stop();
  });

  test('every falco- function is deleted, across list pages; others stay; a refusal is reported, not thrown', async () => {
    assert.equal(bed.double.functionIds().length, 4);
    bed.double.failApiCall(/^DELETE /, 403, 'Permission denied on the function');
    const first = await cleanupGcf(bed.options);
    assert.equal(first.removed.length, 2);
    assert.equal(first.failed.length, 1);
    const [refused] = first.failed;
    assert.ok(refused?.error instanceof FatalError);
    assert.match(refused.error.message, /deleting function "falco-left-[0-9a-f]{8}": Permission denied on the function/);
    assert.deepEqual([...first.removed, refused.name].sort(), [...leftovers].sort());
    assert.ok(bed.double.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/functions')).length >= 2, 'listed page by page');

    const second = await cleanupGcf(bed.options);
    assert.deepEqual(second, { removed: [refused.name], failed: [] });
    assert.deepEqual(bed.double.functionIds(), ['someone-else']);
  });
});
