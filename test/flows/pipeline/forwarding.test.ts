import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSigner, pipeline, PIPELINE_REQUEST_TYPE, type EventForwarding, type FinalState, type RequestStatus } from '../../../flows/index.js';
import { deployable } from '../../../src/index.js';
import { makeEvent, MemoryStateManager, MemoryWorkspaceStore, type EventStream } from '../../../stores/index.js';
import { allEvents, eventually } from '../stream-reading.js';
import { suiteCallbackServer } from './callback-server.js';
import { facesPipeline } from './faces.js';
import { suiteLocalPlatform } from './local-platform.js';

const KEYS = { keys: { k1: 'pipeline-secret-0123456789' }, signWith: 'k1' };
const inc = deployable<{ n: number }, { n: number }>({ runtime: 'nodejs:20', name: 'inc', code: { source: 'function main({ n }) { return { n: n + 1 }; }' } });

describe('forwarding through the event engine: a consumer group of pipeline workers', () => {
  const server = suiteCallbackServer();
  const platform = suiteLocalPlatform();
  let stream: EventStream;
  const store = new MemoryWorkspaceStore();
  before(async () => {
    await store.createWorkspace('pipelines');
    stream = store.events('pipelines');
  });
  after(async () => {
    await store.close();
  });

  it('a request submitted in one place runs its phases on two workers of its own pipeline (each as another process would build it), signed, and finally runs once', async () => {
    const state = new MemoryStateManager();
    const finals: FinalState<unknown>[] = [];
    // Each worker builds the pipeline itself, as a process of its own would: the same definition, the same store.
    const build = () => facesPipeline({ sync: false, callback: server.url('/engine'), finals });
    const workers = await Promise.all(['a', 'b'].map((consumer) => build().worker({ platform: platform(), state, forwarding: { stream, keys: KEYS, consumer } })));
    try {
      const requestId = await build().submit({ image: 'one face' }, { platform: platform(), state, forwarding: { stream, keys: KEYS } });
      let status: RequestStatus | undefined;
      await eventually(async () => (status = await build().status(requestId, { state }))?.finally === 'done', 'the request ended');
      assert.equal(status?.state, 'succeeded');
      assert.deepEqual(status?.output, { image: 'ONE FACE', colored: true });
      assert.equal(finals.length, 1, 'finally ran once');
      const requests = (await allEvents(stream)).filter((event) => event.subject === requestId);
      assert.deepEqual(requests.map((event) => event.id), [0, 1, 2, 3].map((phase) => `${requestId}/${phase}`), 'one forwarded request per phase');
      for (const event of requests) assert.match((event.data as { signature: Record<string, string> }).signature['x-falco-signature'] ?? '', /^sha256=/);
      assert.equal((await stream.info()).groups.find((group) => group.name === 'falco-pipeline-faces')?.pending, 0);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  });

  it("with data: 'state' the stream carries no data, the request's status does, and the result is the same", async () => {
    const state = new MemoryStateManager();
    const carried = pipeline<{ n: number }>('carried').apply(inc, { sync: false }).modify(({ n }) => ({ n: n * 10 })).apply(inc);
    const { output, requestId } = await carried.run({ n: 1 }, { platform: platform(), state, forwarding: { stream, keys: KEYS, data: 'state' } });
    assert.deepEqual(output, { n: 21 });
    const bodies = (await allEvents(stream)).filter((event) => event.subject === requestId).map((event) => JSON.parse((event.data as { body: string }).body) as { data: unknown; dataInState?: boolean });
    assert.equal(bodies.length, 2);
    assert.ok(bodies.every((body) => body.data === null && body.dataInState === true), 'no forwarded request carries the data');
    await assert.rejects(() => carried.run({ n: 1 }, { platform: platform(), state, forwarding: { stream, keys: KEYS, data: 'status' as 'state' } }), /forwarding.data must be "request" or "state", not "status"/);
  });

  it('run() through the stream works as in process, and a request delivered again after it ended runs nothing', async () => {
    const state = new MemoryStateManager();
    let calls = 0;
    const counted = pipeline<{ n: number }>('counted').modify((data) => (calls++, data)).apply(inc).apply(inc);
    const forwarding: EventForwarding = { stream, keys: KEYS };
    const { output, requestId } = await counted.run({ n: 1 }, { platform: platform(), state, forwarding });
    assert.deepEqual(output, { n: 3 });
    const first = (await allEvents(stream)).find((event) => event.id === `${requestId}/0`)!;
    await stream.publish([first]);
    // The group reads in order: the repeat is delivered before the next request's first phase.
    assert.deepEqual((await counted.run({ n: 10 }, { platform: platform(), state, forwarding })).output, { n: 12 });
    await eventually(() => consumedAll(stream, 'falco-pipeline-counted'), 'everything delivered was acknowledged');
    assert.equal(calls, 2, 'the repeat ran nothing: one call per request');
  });

  it('two copies of a phase in one batch (a redelivery beside a resume, after a crash) run the phase once', async () => {
    const state = new MemoryStateManager();
    let calls = 0;
    const twice = pipeline<{ n: number }>('twice').modify((data) => (calls++, data)).apply(inc);
    const forwarding: EventForwarding = { stream, keys: KEYS };
    const requestId = await twice.submit({ n: 1 }, { platform: platform(), state, forwarding });
    const first = (await allEvents(stream)).find((event) => event.id === `${requestId}/0`)!;
    await stream.publish([{ ...first, id: `${requestId}/0/again` }]);
    const worker = await twice.worker({ platform: platform(), state, forwarding });
    try {
      await eventually(async () => (await twice.status(requestId, { state }))?.state === 'succeeded', 'it ended');
      await eventually(() => consumedAll(stream, 'falco-pipeline-twice'), 'both copies were acknowledged');
    } finally {
      await worker.stop();
    }
    assert.equal(calls, 1, 'the phase ran once');
  });

  it('a forwarded request that is forged or tampered with is dead-lettered with the reason and never runs', async () => {
    const state = new MemoryStateManager();
    let calls = 0;
    const guarded = pipeline<{ n: number }>('guarded').modify((data) => (calls++, data)).apply(inc);
    const body = JSON.stringify({ pipeline: 'guarded', requestId: 'forged', phase: 0, data: { n: 1 }, query: {}, state: {}, submittedAt: Date.now() });
    const forged = createSigner({ keys: { k1: 'another-secret-9876543210' }, signWith: 'k1' });
    const signed = createSigner(KEYS).sign(Buffer.from(body));
    await stream.publish([
      makeEvent({ id: 'forged/0', source: 'falco.pipeline/guarded', type: PIPELINE_REQUEST_TYPE, data: { body, signature: forged.sign(Buffer.from(body)) } }),
      makeEvent({ id: 'tampered/0', source: 'falco.pipeline/guarded', type: PIPELINE_REQUEST_TYPE, data: { body: body.replace('"n":1', '"n":2'), signature: signed } }),
      makeEvent({ id: 'unsigned/0', source: 'falco.pipeline/guarded', type: PIPELINE_REQUEST_TYPE, data: { body } }),
    ]);
    const worker = await guarded.worker({ platform: platform(), state, forwarding: { stream, keys: KEYS } });
    try {
      await eventually(async () => (await stream.deadLetters()).filter((letter) => letter.group === 'falco-pipeline-guarded').length === 3, 'all three dead-lettered');
    } finally {
      await worker.stop();
    }
    const reasons = (await stream.deadLetters()).filter((letter) => letter.group === 'falco-pipeline-guarded').map((letter) => letter.reason);
    assert.match(reasons[0]!, /not run: .*does not match its body/);
    assert.match(reasons[1]!, /not run: .*does not match its body/);
    assert.match(reasons[2]!, /not run: the forwarded request is not signed/);
    assert.ok(reasons.every((reason) => !reason.includes('pipeline-secret') && !reason.includes('another-secret')));
    assert.equal(calls, 0);
    assert.equal(await guarded.status('forged', { state }), undefined);
  });

  it('pause and resume by id work from another process’s pipeline object, through the store and the stream', async () => {
    const state = new MemoryStateManager();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const atGate = new Promise<void>((resolve) => (reached = resolve));
    const gated = () => pipeline<{ n: number }>('gated').modify(async (data) => (reached(), await released, data)).apply(inc).apply(inc);
    const forwarding: EventForwarding = { stream, keys: KEYS };
    const worker = await gated().worker({ platform: platform(), state, forwarding });
    try {
      const requestId = await gated().submit({ n: 0 }, { platform: platform(), state, forwarding });
      await atGate;
      const controls = gated();
      await controls.pause(requestId, { state });
      release();
      await eventually(async () => (await controls.status(requestId, { state }))?.next?.phase === 1, 'parked before phase 1');
      assert.equal((await controls.status(requestId, { state }))?.state, 'paused');
      await assert.rejects(gated().resume(requestId, { state }), /runs elsewhere: resume it with the forwarding/);
      await controls.resume(requestId, { state, forwarding });
      await eventually(async () => (await controls.status(requestId, { state }))?.state === 'succeeded', 'it ended');
      assert.deepEqual((await controls.status(requestId, { state }))?.output, { n: 2 });
    } finally {
      await worker.stop();
    }
  });
});

async function consumedAll(stream: EventStream, group: string): Promise<boolean> {
  return (await stream.info()).groups.find((g) => g.name === group)?.pending === 0;
}
