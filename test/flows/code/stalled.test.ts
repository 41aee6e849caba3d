import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ActionWorker, CoordinatorWatch, createRun, functionWake, readRun, runCoordinatorOnce, summarize, TriggerService, Workspaces, type AnyWorkflow } from '../../../flows/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { openStore, openWorkflowLog } from '../../../stores/index.js';
import { falco, fixture, serveCli } from '../../helpers/falco-cli.js';
import { redisUnavailable, startRedis, type RedisServer } from '../../helpers/redis-server.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { allEvents, eventually } from '../stream-reading.js';

const MODULE = fixture('waiting-workflow');
const RUN = 'stall-1';

// The coordinator function shares its store with the process serving the run: Redis.
describe('a run whose coordinator function is given up or fails', { skip: redisUnavailable() }, () => {
  const dir = suiteTempDir('falco-code-stall-');
  const local = new LocalPlatform();
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await local.close();
    await redis.stop();
  });

  it('records why it stalled (the DeliveryCapError, the command, how often it was handed out), falco workflow status shows it, and resume carries the run on', async () => {
    const url = redis.url;
    const workflow = ((await import(MODULE)) as { default: AnyWorkflow }).default;
    const store = await openStore(url);
    const log = await openWorkflowLog(url);
    await createRun(log, RUN, { kind: 'started', workflow: 'waiting', input: null, module: MODULE });
    assert.equal(await runCoordinatorOnce({ store, log, workflow, runId: RUN, wake: functionWake(RUN) }), 'suspended');
    // What `falco triggers serve <run>` runs, but for the action worker, which starts once the coordinator's command has been taken by dying workers.
    const service = await TriggerService.start({ store, workspace: RUN });
    const watch = await CoordinatorWatch.start({ store, log, workspace: RUN });
    await new Workspaces(store).publish(RUN, [{ id: 'go-1', source: 'test', type: 'go', data: { at: 'last' } }]);
    await eventually(async () => (await allEvents(store.commands(RUN))).some((command) => command.subject?.startsWith(`${RUN}/wake/`)), 'the wake invoked the coordinator');
    for (let died = 0; died < 2; died++) {
      const dying = await store.commands(RUN).consumer('falco-actions', 'worker', { maxDeliveries: 3, start: '0' });
      assert.equal((await dying.read({ blockMs: 0 })).length, 1);
      await dying.close();
    }
    const worker = await ActionWorker.start({ store, workspace: RUN, platform: local, consumerOptions: { maxDeliveries: 2, visibilityTimeoutMs: 60_000 } });
    await eventually(async () => summarize(RUN, await readRun(log, RUN)).status === 'stalled', 'the run is recorded as stalled');
    await worker.stop();
    await watch.stop();
    await service.stop();
    const summary = summarize(RUN, await readRun(log, RUN));
    assert.equal(summary.error?.name, 'DeliveryCapError');
    assert.match(summary.error!.message, /^invoke stall-1\/wake\/\S+: handed out 2 times and never finished \(cap 2\)/);
    assert.match(summary.stalled?.command ?? '', /^stall-1\/wake\//);
    assert.equal(summary.stalled?.deliveries, 2);
    const stalled = (await log.read(RUN)).find((record) => record.kind === 'stalled');
    assert.ok(typeof stalled?.at === 'number' && Math.abs(stalled.at - Date.now()) < 60_000, `the stalled record has the time it was written: ${JSON.stringify(stalled)}`);
    await log.close();
    await store.close();

    const status = await falco(['workflow', 'status', RUN, '--store', url], dir());
    assert.match(status.stdout, /^stall-1\twaiting\tstalled\tcalls 1\tresults 0\tDeliveryCapError: invoke stall-1\/wake\/.* handed out 2 times .*\tcarry it on with: falco workflow resume stall-1 --coordinator function\n$/);
    const resumed = await falco(['workflow', 'resume', RUN, '--coordinator', 'function', '--store', url], dir());
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /\{"runId":"stall-1","status":"succeeded","output":\{"at":"last"\}\}/);
    assert.match((await falco(['workflow', 'status', RUN, '--store', url], dir())).stdout, /^stall-1\twaiting\tsucceeded\t/);
  });

  it('falco triggers serve records a coordinator function that failed as the run\'s stall; resume with the module carries it on', async () => {
    const url = redis.url;
    const run = 'stall-2';
    const workflow = ((await import(MODULE)) as { default: AnyWorkflow }).default;
    const store = await openStore(url);
    const log = await openWorkflowLog(url);
    // The module moved since the run started: the coordinator function cannot load the workflow.
    await createRun(log, run, { kind: 'started', workflow: 'waiting', input: null, module: `${dir()}/moved.js` });
    assert.equal(await runCoordinatorOnce({ store, log, workflow, runId: run, wake: functionWake(run) }), 'suspended');
    await store.close();
    const served = await serveCli(['triggers', 'serve', run, '--port', '0', '--store', url], dir(), /serving workspace \S+ on (http:\S+)/);
    try {
      const posted = await fetch(served.url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id: 'go-2', source: 'test', type: 'go', data: { at: 'last' } }) });
      assert.equal(posted.status, 202);
      await eventually(async () => summarize(run, await readRun(log, run)).status === 'stalled', 'the run is recorded as stalled');
    } finally {
      served.child.kill('SIGTERM');
      await served.exited;
    }
    const status = await falco(['workflow', 'status', run, '--store', url], dir());
    assert.match(status.stdout, /^stall-2\twaiting\tstalled\t.*moved\.js.*\tcarry it on with: falco workflow resume stall-2 --coordinator function\n$/);
    const resumed = await falco(['workflow', 'resume', run, '--module', MODULE, '--coordinator', 'function', '--store', url], dir());
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /"status":"succeeded","output":\{"at":"last"\}/);
    await log.close();
  });
});
