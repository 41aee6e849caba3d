import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ActionWorker, createSigner, INVOCATION_FAILED, INVOCATION_SUCCEEDED, INVOKE_COMMAND_TYPE, pipelineDeployable, TriggerService, type RequestStatus } from '../../../flows/index.js';
import { createPlatform } from '../../../platforms/index.js';
import { makeEvent, openStateManager, openStore, type StateManager, type WorkspaceStore } from '../../../stores/index.js';
import { runKillable } from '../../helpers/killable-child.js';
import { redisUnavailable, startRedis } from '../../helpers/redis-server.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { allEvents } from '../stream-reading.js';
import { counted } from './function-pipeline.js';

const MODULE = fileURLToPath(new URL('./function-pipeline.js', import.meta.url));
const SUBMIT = fileURLToPath(new URL('./function-submit-child.js', import.meta.url));
const SECRET = 'function-secret-0123456789abcdef';
const KEYS = { keys: { k1: SECRET }, signWith: 'k1' };
const FUNCTION = 'falco:pipeline:counted';
const WORKSPACE = 'pipelines';
process.env.FALCO_TEST_SECRET = SECRET;

interface Served {
  readonly store: WorkspaceStore;
  readonly state: StateManager;
  /** Every record event the action worker's executor emitted, as JSON. */
  readonly records: string[];
  /** Resolves once the action worker has reported every command it read. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** `falco triggers serve` in this process: a trigger service and an action worker that knows the pipeline's function. */
async function serve(storeUrl: string, stateUrl: string, files: { effects: string; finally: string; gate?: string }): Promise<Served> {
  const store = await openStore(storeUrl);
  const state = await openStateManager(stateUrl);
  await store.createWorkspace(WORKSPACE);
  const platform = await createPlatform('local');
  const env = { FALCO_TEST_EFFECTS: files.effects, FALCO_TEST_FINALLY: files.finally, ...(files.gate ? { FALCO_TEST_GATE: files.gate } : {}) };
  const deployments = { [FUNCTION]: pipelineDeployable(MODULE, 'counted', { state: stateUrl, keys: KEYS, platform: 'local', env }) };
  const service = await TriggerService.start({ store, workspace: WORKSPACE });
  const worker = await ActionWorker.start({ store, workspace: WORKSPACE, platform, deployments });
  const records: string[] = [];
  worker.events.on('invocation:end', (payload) => records.push(JSON.stringify(payload)));
  return {
    store,
    state,
    records,
    idle: () => worker.whenIdle(),
    async stop() {
      await Promise.all([service.stop(), worker.stop()]);
      await Promise.all([platform.close(), store.close(), state.close()]);
    },
  };
}

/** Polls the request's status until `done` holds (a bound on the wait, not a timing assertion). */
async function until(state: StateManager, requestId: string, done: (status: RequestStatus | undefined) => boolean, what: string): Promise<RequestStatus | undefined> {
  for (let tries = 0; tries < 3_000; tries++) {
    const status = await counted.status(requestId, { state });
    if (done(status)) return status;
    await sleep(50);
  }
  assert.fail(`never happened: ${what}`);
}

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

/** Every file under `dir`, read as text, for a secret that must not be there. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return Promise.all(entries.filter((entry) => entry.isFile()).map((entry) => readFile(join(entry.parentPath, entry.name), 'latin1')));
}

describe('the pipeline as a function that forwards itself, run by an action worker', () => {
  const dir = suiteTempDir('falco-pipeline-function-');

  async function submittedByAChildThatExits(storeUrl: string, stateUrl: string, requestId: string, stored: () => Promise<string[]>): Promise<void> {
    const files = { effects: join(dir(), `${requestId}.effects`), finally: join(dir(), `${requestId}.finally`) };
    const child = await runKillable([SUBMIT, storeUrl, stateUrl, requestId]);
    assert.equal(child.ended, 'done', 'the driver exited after submit');
    const served = await serve(storeUrl, stateUrl, files);
    let status: RequestStatus | undefined;
    try {
      status = await until(served.state, requestId, (s) => s?.finally === 'done', 'the request ended and finally ran');
      await served.idle();
      const events = await allEvents(served.store.events(WORKSPACE));
      const phases = events.filter((event) => event.type === INVOCATION_SUCCEEDED && event.subject?.startsWith(`${WORKSPACE}/falco.pipeline.counted/`));
      assert.equal(phases.length, 3, 'the function was invoked once per phase');
      assert.ok(served.records.length >= 3 && served.records.every((record) => !record.includes(SECRET)), 'the action worker\'s records hold no secret');
      assert.ok(events.every((event) => !JSON.stringify(event).includes(SECRET)), 'no event holds the secret');
    } finally {
      await served.stop();
    }
    assert.equal(status?.state, 'succeeded');
    assert.deepEqual(status?.output, { n: 3 });
    assert.deepEqual(status?.timings.map((timing) => timing.phase), [0, 1, 2], 'each phase recorded once');
    assert.deepEqual(await lines(files.effects), [0, 1, 2].map((phase) => `${requestId} ${phase}`), "each phase's effect once");
    assert.deepEqual((await lines(files.finally)).map((line) => JSON.parse(line) as unknown), [{ requestId, state: 'succeeded' }], 'finally ran once');
    assert.ok((await stored()).every((text) => !text.includes(SECRET)), 'nothing stored holds the secret');
    assert.ok(!child.stderr.includes(SECRET));
  }

  it('on the local platform with a file store: submitted by a child process that exits, run to the end by the action worker', { timeout: 300_000 }, async () => {
    const storeDir = join(dir(), 'store');
    const stateDir = join(dir(), 'state');
    await submittedByAChildThatExits(`file:${storeDir}`, `file:${stateDir}`, 'on-files', async () => [...(await filesUnder(storeDir)), ...(await filesUnder(stateDir))]);
  });

  it('on Redis', { skip: redisUnavailable(), timeout: 300_000 }, async () => {
    const redis = await startRedis();
    try {
      await submittedByAChildThatExits(redis.url, redis.url, 'on-redis', () => filesUnder(redis.dir));
    } finally {
      await redis.stop();
    }
  });

  it('a tampered forwarded command is refused: the invocation fails naming why, and nothing of the pipeline runs', { timeout: 300_000 }, async () => {
    const files = { effects: join(dir(), 'tampered.effects'), finally: join(dir(), 'tampered.finally') };
    const served = await serve(`file:${dir()}/tampered-store`, `file:${dir()}/tampered-state`, files);
    try {
      const body = JSON.stringify({ pipeline: 'counted', requestId: 'tampered', phase: 0, data: { n: 0 }, query: {}, state: {}, submittedAt: Date.now() });
      const signature = createSigner(KEYS).sign(Buffer.from(body));
      const key = `${WORKSPACE}/falco.pipeline.counted/tampered.0`;
      const command = { deployment: FUNCTION, workspace: WORKSPACE, trigger: 'falco.pipeline.counted', key: 'tampered.0', idempotencyKey: key, input: { body: body.replace('"n":0', '"n":1000'), signature }, reportTo: WORKSPACE };
      await served.store.commands(WORKSPACE).publish([makeEvent({ id: key, source: 'test', type: INVOKE_COMMAND_TYPE, subject: key, data: command })]);
      let failed;
      for (let tries = 0; tries < 3_000 && !failed; tries++, await sleep(50)) {
        failed = (await allEvents(served.store.events(WORKSPACE))).find((event) => event.type === INVOCATION_FAILED && event.subject === key);
      }
      assert.ok(failed, 'the invocation was reported failed');
      const error = JSON.stringify((failed.data as { error: unknown }).error);
      assert.match(error, /signature \(key \\"k1\\"\) does not match its body/);
      assert.ok(!error.includes(SECRET));
    } finally {
      await served.stop();
    }
    assert.deepEqual(await lines(files.effects), [], 'no step ran');
    const state = await openStateManager(`file:${dir()}/tampered-state`);
    try {
      assert.equal(await counted.status('tampered', { state }), undefined, 'no status was written');
    } finally {
      await state.close();
    }
  });

  it('pause, resume and stop by id work against the store while the phases run in the function', { timeout: 300_000 }, async () => {
    const gate = join(dir(), 'gate');
    const files = { effects: join(dir(), 'controls.effects'), finally: join(dir(), 'controls.finally'), gate };
    process.env.FALCO_TEST_FINALLY = files.finally; // the stopper's own pipeline runs finally when it ends a parked request
    const served = await serve(`file:${dir()}/controls-store`, `file:${dir()}/controls-state`, files);
    const { state, store } = served;
    const forwarding = { function: FUNCTION, store, workspace: WORKSPACE, keys: KEYS };
    try {
      await writeFile(gate, '');
      const [resumed, stopped] = ['resumed', 'stopped'];
      for (const requestId of [resumed, stopped]) await counted.submit({ n: 0 }, { state, requestId, forwarding });
      for (const requestId of [resumed, stopped]) {
        await until(state, requestId, () => existsSync(`${gate}.${requestId}`), `${requestId} waits inside phase 1`);
        await counted.pause(requestId, { state });
      }
      await rm(gate);
      for (const requestId of [resumed, stopped]) await until(state, requestId, (s) => s?.state === 'paused' && s.next?.phase === 2 && !s.forwarded, `${requestId} parked before phase 2`);
      await counted.resume(resumed, { state, forwarding });
      const stoppedStatus = await counted.stop(stopped, { state });
      assert.equal(stoppedStatus.state, 'stopped');
      const done = await until(state, resumed, (s) => s?.finally === 'done', 'the resumed request ended');
      assert.equal(done?.state, 'succeeded');
      assert.deepEqual(done?.output, { n: 3 });
    } finally {
      await served.stop();
    }
    const effects = await lines(files.effects);
    assert.deepEqual(effects.filter((line) => line.startsWith('resumed ')), ['resumed 0', 'resumed 1', 'resumed 2']);
    assert.deepEqual(effects.filter((line) => line.startsWith('stopped ')), ['stopped 0', 'stopped 1'], 'the stopped request ran no phase after its stop');
    const finals = (await lines(files.finally)).map((line) => JSON.parse(line) as { requestId: string; state: string });
    assert.deepEqual(finals.sort((a, b) => a.requestId.localeCompare(b.requestId)), [
      { requestId: 'resumed', state: 'succeeded' },
      { requestId: 'stopped', state: 'stopped' },
    ]);
  });
});
