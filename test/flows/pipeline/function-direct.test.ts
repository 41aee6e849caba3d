import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pipelineDeployable, type PipelineFunctionReply, type SignedRequest } from '../../../flows/index.js';
import { ConfigError, type Platform } from '../../../src/index.js';
import { MemoryWorkspaceStore, openStateManager } from '../../../stores/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { allEvents } from '../stream-reading.js';
import { counted } from './function-pipeline.js';
import { suiteLocalPlatform } from './local-platform.js';

const MODULE = fileURLToPath(new URL('./function-pipeline.js', import.meta.url));
const KEYS = { keys: { k1: 'direct-secret-0123456789abcdef' }, signWith: 'k1' };

/** Submits a request whose first command goes to a store nobody serves, and hands back that command's input: the signed request of phase 0. */
async function submittedPhase0(stateUrl: string, requestId: string): Promise<SignedRequest> {
  const store = new MemoryWorkspaceStore();
  const state = await openStateManager(stateUrl);
  try {
    await counted.submit({ n: 0 }, { state, requestId, forwarding: { function: 'counted', store, workspace: 'nobody', keys: KEYS } });
    const [command] = await allEvents(store.commands('nobody'));
    return (command!.data as { input: SignedRequest }).input;
  } finally {
    await Promise.all([store.close(), state.close()]);
  }
}

describe("the pipeline's function, invoked directly on the local platform", () => {
  const dir = suiteTempDir('falco-pipeline-function-direct-');
  const platform = suiteLocalPlatform();

  async function invoke(platformName: string, stateUrl: string, input: SignedRequest, effects: string): Promise<PipelineFunctionReply> {
    const local: Platform = platform();
    const deployment = await local.deploy(pipelineDeployable(MODULE, 'counted', { state: stateUrl, keys: KEYS, platform: platformName, env: { FALCO_TEST_EFFECTS: effects, FALCO_TEST_FINALLY: `${effects}.finally` } }));
    try {
      return (await local.invoke<PipelineFunctionReply>(deployment, input, { invocationId: 'direct', attempt: 1 })).output;
    } finally {
      await local.remove(deployment);
    }
  }

  it('a phase delivered again after it was recorded runs nothing and hands on the next request again (the action worker died before keeping the answer)', { timeout: 180_000 }, async () => {
    const stateUrl = `file:${dir()}/redelivered`;
    const effects = join(dir(), 'redelivered.effects');
    const phase0 = await submittedPhase0(stateUrl, 'redelivered');
    const first = await invoke('local', stateUrl, phase0, effects);
    assert.equal(first.state, 'running');
    assert.equal(first.next.length, 1);
    assert.deepEqual(first.invocations.map((invocation) => [invocation.id, invocation.status]), [['redelivered/1', 'succeeded']], "the phase's applied call, run on the function's own platform");
    const again = await invoke('local', stateUrl, phase0, effects);
    assert.equal(again.next.length, 1, 'the next request is handed on again');
    assert.deepEqual(JSON.parse(again.next[0]!.body), JSON.parse(first.next[0]!.body));
    assert.deepEqual(again.invocations, [], 'nothing ran the second time');
    assert.equal(await readFile(effects, 'utf8'), 'redelivered 0\n', "phase 0's effect once");
  });

  it('runs the applied functions on the platform its environment names: on simulated, inc echoes its input', { timeout: 180_000 }, async () => {
    const stateUrl = `file:${dir()}/simulated`;
    const reply = await invoke('simulated', stateUrl, await submittedPhase0(stateUrl, 'simulated'), join(dir(), 'simulated.effects'));
    assert.deepEqual(JSON.parse(reply.next[0]!.body).data, { n: 0 }, 'simulated echoed the input; local would have answered { n: 1 }');
  });

  it('bad input to pipelineDeployable and to submit is a ConfigError naming what is wrong, and no secret', async () => {
    const refused = (fn: () => unknown, message: RegExp) => assert.throws(fn, (error: unknown) => error instanceof ConfigError && message.test(error.message) && !error.message.includes('direct-secret'));
    refused(() => pipelineDeployable(MODULE, 'counted', { state: 'file:x' }), /give options.keys/);
    refused(() => pipelineDeployable(MODULE, 'counted', { state: 'memory:', keys: KEYS }), /file:DIR or redis:\/\/host:port URL/);
    refused(() => pipelineDeployable(join(dir(), 'missing.js'), 'counted', { state: 'file:x', keys: KEYS }), /does not exist/);
    refused(() => pipelineDeployable(MODULE, 'counted', { state: 'file:x', keys: { keys: { k1: 'short' }, signWith: 'k1' } }), /at least 16 bytes/);
    const store = new MemoryWorkspaceStore();
    const forwarding = { function: 'counted', store, workspace: 'w', keys: KEYS };
    await assert.rejects(async () => counted.submit({ n: 0 }, { forwarding }), /needs options.state/);
    await assert.rejects(async () => counted.submit({ n: 0 }, { forwarding: { function: 'counted', store, workspace: 'w' } }), /must be signed/);
    await assert.rejects(async () => counted.run({ n: 0 }, {}), /options.platform is needed where phases run in this process/);
    await assert.rejects(async () => counted.worker({ forwarding: forwarding as never }), /every phase runs in the pipeline's function/);
    await store.close();
  });
});
