import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStateManager, openStore } from '../../../stores/index.js';
import { runKillable } from '../../helpers/killable-child.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { suiteCallbackServer } from './callback-server.js';
import { facesPipeline } from './faces.js';
import { SpanRecorder, type RecordedSpan } from './span-recorder.js';
import { TRACE_KEYS, tracedPipeline } from './traced.js';
import { suiteLocalPlatform } from './local-platform.js';

const CHILD = fileURLToPath(new URL('../../fixtures/pipeline-trace-child.js', import.meta.url));

const named = (spans: readonly RecordedSpan[], name: string) => spans.filter((span) => span.name === name);

describe('tracing: one trace per request', () => {
  const server = suiteCallbackServer();
  const dir = suiteTempDir('falco-pipeline-trace-');
  const platform = suiteLocalPlatform();

  it('a span per phase and per step under the request, the functions’ invocation spans under their step', async () => {
    const recorder = new SpanRecorder();
    const { requestId } = await facesPipeline({ sync: false, callback: server.url('/traced') }).run({ image: 'a face' }, { platform: platform(), tracerProvider: recorder });
    const spans = recorder.spans;
    const [request] = named(spans, 'falco.pipeline.request');
    assert.ok(request);
    assert.equal(request.parentSpanId, undefined);
    assert.equal(request.attributes['falco.pipeline.request_id'], requestId);
    assert.ok(spans.every((span) => span.traceId === request.traceId), 'one trace');

    const phases = named(spans, 'falco.pipeline.phase');
    assert.deepEqual(phases.map((span) => span.attributes['falco.pipeline.phase']).sort(), [0, 1, 2, 3]);
    assert.ok(phases.every((span) => span.parentSpanId === request.spanId));
    const steps = named(spans, 'falco.pipeline.step');
    assert.equal(steps.length, 6);
    const phaseIds = new Set(phases.map((span) => span.spanId));
    assert.ok(steps.every((span) => phaseIds.has(span.parentSpanId!)));

    const applies = steps.filter((span) => span.attributes['falco.pipeline.step.kind'] === 'apply');
    const functionPhases = named(spans, 'falco.phase');
    assert.deepEqual(new Set(functionPhases.map((span) => span.parentSpanId)), new Set(applies.map((span) => span.spanId)), 'each apply’s executor phase under its step');
    const invocations = named(spans, 'falco.invocation');
    assert.equal(invocations.length, 3);
    assert.deepEqual(new Set(invocations.map((span) => span.parentSpanId)), new Set(functionPhases.map((span) => span.spanId)));
    assert.ok(invocations.every((span) => span.attributes['falco.invocation.status'] === 'succeeded'));
  });

  it('a request forwarded through three processes is one trace: the phases of each process under the submitter’s request span', { timeout: 120_000 }, async () => {
    const storeUrl = `file:${dir()}/store`;
    const stateUrl = `file:${dir()}/state`;
    const recorder = new SpanRecorder();
    const traced = tracedPipeline();
    const store = await openStore(storeUrl);
    const state = await openStateManager(stateUrl);
    await store.createWorkspace('pipelines');
    const requestId = await traced.submit({ n: 0 }, { platform: platform(), state, forwarding: { stream: store.events('pipelines'), keys: TRACE_KEYS }, tracerProvider: recorder });
    await traced.pause(requestId, { state }); // each process resumes it for one phase
    await Promise.all([store.close(), state.close()]);

    const files = [0, 1, 2].map((process) => join(dir(), `spans-${process}.jsonl`));
    for (const file of files) assert.equal((await runKillable([CHILD, storeUrl, stateUrl, requestId, file])).ended, 'done');

    const reopened = await openStateManager(stateUrl);
    try {
      const status = await traced.status(requestId, { state: reopened });
      assert.equal(status?.state, 'succeeded');
      assert.deepEqual(status?.output, { n: 3 });
    } finally {
      await reopened.close();
    }
    const [request] = named(recorder.spans, 'falco.pipeline.request');
    assert.ok(request);
    const perProcess = await Promise.all(files.map(async (file) => (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as RecordedSpan)));
    perProcess.forEach((spans, index) => {
      const phases = named(spans, 'falco.pipeline.phase');
      assert.deepEqual(phases.map((span) => span.attributes['falco.pipeline.phase']), [index], `process ${index} ran phase ${index}`);
      assert.equal(phases[0]!.parentSpanId, request.spanId, 'under the request span of the submitting process');
      assert.ok(spans.every((span) => span.traceId === request.traceId), `process ${index}'s spans are in the request's trace`);
      assert.equal(named(spans, 'falco.invocation').length, 1);
    });
  });
});
