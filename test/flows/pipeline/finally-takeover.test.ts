import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSigner, pipeline, PIPELINE_REQUEST_TYPE, type FinalState, type RequestStatus } from '../../../flows/index.js';
import { deployable } from '../../../src/index.js';
import { makeEvent, MemoryStateManager, MemoryWorkspaceStore } from '../../../stores/index.js';
import { eventually } from '../stream-reading.js';
import { suiteLocalPlatform } from './local-platform.js';

const KEYS = { keys: { k1: 'takeover-secret-0123456789' }, signWith: 'k1' };
const inc = deployable<{ n: number }, { n: number }>({ runtime: 'nodejs:20', name: 'inc', code: { source: 'function main({ n }) { return { n: n + 1 }; }' } });

describe('a `finally` claimed by a process that died before it ran it', () => {
  const platform = suiteLocalPlatform();

  it('runs when the delivery that ended the request comes again (its holder never acknowledged it), with the state it was claimed with', async () => {
    const store = new MemoryWorkspaceStore();
    await store.createWorkspace('pipelines');
    const stream = store.events('pipelines');
    const state = new MemoryStateManager();
    const finals: { final: FinalState<unknown>; carried: unknown }[] = [];
    const ended = pipeline<{ n: number }>('takeover')
      .apply(inc)
      .modify((data, context) => (context.state.set('seen', data.n), data))
      .apply(inc)
      .finally((final, context) => void finals.push({ final, carried: context.state.get('seen') }));
    const forwarding = { stream, keys: KEYS };
    const { requestId } = await ended.run({ n: 0 }, { platform: platform(), state, forwarding });
    assert.equal(finals.length, 1);
    // As the record stands when its holder is SIGKILLed between claiming finally and running it.
    const done = (await ended.status(requestId, { state }))!;
    const claimed: RequestStatus = { ...done, finally: 'claimed', carried: { query: {}, state: { seen: 1 } } };
    assert.ok(await state.compareAndSet(requestId, 'falco.pipeline', JSON.parse(JSON.stringify(done)), JSON.parse(JSON.stringify(claimed))));

    const body = JSON.stringify({ pipeline: 'takeover', requestId, phase: 1, data: { n: 1 }, query: {}, state: {}, submittedAt: done.submittedAt });
    await stream.publish([makeEvent({ id: `${requestId}/1/again`, source: 'falco.pipeline/takeover', type: PIPELINE_REQUEST_TYPE, subject: requestId, data: { body, signature: createSigner(KEYS).sign(Buffer.from(body)) } })]);
    const worker = await ended.worker({ platform: platform(), state, forwarding });
    try {
      await eventually(async () => (await ended.status(requestId, { state }))?.finally === 'done', 'the abandoned finally ran');
    } finally {
      await worker.stop();
      await store.close();
    }
    assert.equal(finals.length, 2, 'the abandoned finally ran once more');
    assert.equal(finals[1]!.final.state, 'succeeded');
    assert.deepEqual(finals[1]!.carried, 1, 'with the state it was claimed with');
    const status = await ended.status(requestId, { state });
    assert.equal(status?.finallyClaims, 2);
    assert.equal(status?.carried, undefined);
  });
});
