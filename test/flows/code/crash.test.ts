import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { INVOCATION_SUCCEEDED, WAKE } from '../../../flows/index.js';
import { openStore, openWorkflowLog } from '../../../stores/index.js';
import { CLI } from '../../helpers/falco-cli.js';
import { runKillable } from '../../helpers/killable-child.js';
import { redisUnavailable, startRedis } from '../../helpers/redis-server.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { allEvents } from '../stream-reading.js';
import { Allowance, check, INPUT, KILLS, MODULE, RUN } from './crashy-run.js';

/** `falco workflow run` (or `resume --once`), SIGKILLed `killAfterMs` after it started (never, when undefined). */
function coordinator(args: readonly string[], cwd: string, killAfterMs?: number) {
  return runKillable([CLI, 'workflow', ...args], { cwd, ready: 'falco: ', ...(killAfterMs === undefined ? {} : { killAfterMs }) });
}

describe('a workflow as code whose coordinator is SIGKILLed at random moments', () => {
  const dir = suiteTempDir('falco-code-crash-');

  async function embedded(url: string, cwd: string): Promise<void> {
    const counter = join(cwd, 'counter');
    process.env.FALCO_COUNTER = counter;
    const allowance = new Allowance(url, counter);
    const args = ['run', MODULE, '--workflow', 'crashy', '--store', url, '--id', RUN, '--input', INPUT];
    let kills = 0;
    while (kills < KILLS || !allowance.published) {
      // Kills land anywhere in the run; past the tenth, only to publish the event the run waits for, each later than the one before.
      const { ended } = await coordinator(args, cwd, kills < KILLS ? Math.floor(Math.random() * 1_500) : 3_000 * (kills - KILLS + 1));
      assert.equal(ended, 'killed', 'the run cannot end before its event is published');
      kills++;
      await allowance.afterKill(kills >= KILLS);
    }
    assert.equal((await coordinator(args, cwd)).ended, 'done');
    await check(url, allowance);
  }

  it('embedded (file store, the worker in the coordinator process): the output is right, no call ran twice but for the kills', async () => {
    await embedded(`file:${dir()}/file/store`, dir());
  });

  it('on Redis', { skip: redisUnavailable() }, async () => {
    const redis = await startRedis();
    try {
      await mkdir(join(dir(), 'redis'), { recursive: true });
      await embedded(redis.url, join(dir(), 'redis'));
    } finally {
      await redis.stop();
    }
  });

  it('on Redis, the coordinator run once per wake event in a process of its own and exiting when it suspends', { skip: redisUnavailable() }, async () => {
    const redis = await startRedis();
    const cwd = join(dir(), 'suspended');
    await mkdir(cwd, { recursive: true });
    const counter = join(cwd, 'counter');
    process.env.FALCO_COUNTER = counter;
    // The workspace's services (trigger service, action worker) in a long-lived process that is not killed.
    let done = false;
    const services = runKillable([CLI, 'triggers', 'serve', RUN, '--create', '--port', '0', '--store', redis.url], { cwd, killWhen: async () => done });
    const store = await openStore(redis.url);
    try {
      const allowance = new Allowance(redis.url, counter);
      let kills = 0;
      let activations = 0;
      let wakesSeen = 0;
      let again = true;
      const log = await openWorkflowLog(redis.url);
      const deadline = Date.now() + 10 * 60_000;
      let idleSince = Date.now();
      try {
        while (!(await log.read(RUN)).some((record) => record.kind === 'finished')) {
          assert.ok(Date.now() < deadline, `the run did not finish in 10 minutes (${kills} kills, ${activations} activations)`);
          const wakes = (await allEvents(store.events(RUN)).catch(() => [])).filter((event) => event.type === WAKE).length;
          if (!again && wakes === wakesSeen) {
            if (kills >= KILLS) await allowance.publishOnceWaiting();
            // While kills are due and no wake comes (on a quick machine the run can reach its wait for the
            // event first), activate it anyway: a replay that suspends again, and a moment for a kill.
            if (kills >= KILLS || Date.now() - idleSince < 500) {
              await sleep(50);
              continue;
            }
          }
          wakesSeen = wakes;
          activations++;
          // `run` with the id of a run logged before resumes it.
          const { ended } = await coordinator(['run', MODULE, '--workflow', 'crashy', '--once', '--store', redis.url, '--id', RUN, '--input', INPUT], cwd, kills < KILLS ? Math.floor(Math.random() * 800) : undefined);
          idleSince = Date.now();
          again = ended === 'killed';
          if (again) {
            kills++;
            await allowance.afterKill(false);
          }
        }
      } finally {
        await log.close();
      }
      assert.equal(kills, KILLS);
      assert.ok(activations > kills, 'the coordinator suspended and was woken');
      await check(redis.url, allowance);
    } finally {
      done = true;
      await services.catch(() => {});
      await store.close();
      await redis.stop();
    }
  });

  it('on Redis, the coordinator a function the action worker invokes on each wake, the serving process SIGKILLed at random moments', { skip: redisUnavailable() }, async () => {
    const redis = await startRedis();
    const cwd = join(dir(), 'function');
    await mkdir(cwd, { recursive: true });
    const counter = join(cwd, 'counter');
    process.env.FALCO_COUNTER = counter;
    const store = await openStore(redis.url);
    const log = await openWorkflowLog(redis.url);
    const finished = async () => (await log.read(RUN)).some((record) => record.kind === 'finished');
    try {
      const allowance = new Allowance(redis.url, counter);
      // The first activation runs in the command, which exits once the coordinator suspends.
      const first = await coordinator(['run', MODULE, '--workflow', 'crashy', '--coordinator', 'function', '--store', redis.url, '--id', RUN, '--input', INPUT], cwd);
      assert.equal(first.ended, 'done');
      const serve = [CLI, 'triggers', 'serve', RUN, '--create', '--port', '0', '--store', redis.url, '--coordinator-env', 'FALCO_COUNTER'];
      // Fewer kills than the action worker's delivery cap (5): a command whose worker is killed five times running is given up and reported failed.
      for (let kills = 0; kills < 4 && !(await finished()); kills++) {
        assert.equal((await runKillable(serve, { cwd, ready: 'falco: serving', killAfterMs: Math.floor(Math.random() * 1_500) })).ended, 'killed');
        await allowance.afterKill(false);
      }
      let done = false;
      const serving = runKillable(serve, { cwd, killWhen: async () => done });
      while (!(await finished())) {
        await allowance.publishOnceWaiting();
        await sleep(200);
      }
      done = true;
      await serving;
      const wakes = (await allEvents(store.events(RUN))).filter((event) => event.type === INVOCATION_SUCCEEDED && event.subject?.startsWith(`${RUN}/wake/`));
      assert.ok(wakes.length >= 1, 'the coordinator ran as a function');
      await check(redis.url, allowance);
    } finally {
      await log.close();
      await store.close();
      await redis.stop();
    }
  });
});
