import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WAKE, Workspaces } from '../../../flows/index.js';
import { openStore, openWorkflowLog, type LogRecord } from '../../../stores/index.js';
import { CLI, fixture } from '../../helpers/falco-cli.js';
import { runKillable } from '../../helpers/killable-child.js';
import { redisUnavailable, startRedis } from '../../helpers/redis-server.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { allEvents } from '../stream-reading.js';

const MAP = 1_000;
const REDUCE = 50;
const KILLS = 10;
const RUN = 'crashy-1';
const INPUT = JSON.stringify({ n: 3, map: MAP, reduce: REDUCE });
const MODULE = fixture('code-workflow');
/** callAsync, the map, the mapReduce's map and its reduce: each slot's idempotency key. */
const KEYS = [`${RUN}/A000/0`, ...range(MAP).map((i) => `${RUN}/M001/${i}`), ...range(REDUCE).map((i) => `${RUN}/R002/${i}`), `${RUN}/A003/0`];
const square = (n: number) => n * n;
const EXPECTED = { first: 9, squares: range(MAP).map(square).reduce((a, b) => a + b, 0), reduced: range(REDUCE).map(square).reduce((a, b) => a + b, 0), go: { at: 'the end' } };

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * What one SIGKILL could leave to run again: the calls sent (their commands are in the stream)
 * or started (their key is in the counter file) whose result the log does not hold yet.
 */
class Allowance {
  readonly #extra = new Map<string, number>();
  #published = false;

  constructor(
    readonly url: string,
    readonly counter: string,
  ) {}

  /** After a kill: counts the calls in flight; with `publish`, publishes the event the run waits for once it waits for it. */
  async afterKill(publish: boolean): Promise<void> {
    await this.#with(async (store, log) => {
      const ended = new Set((await log.read(RUN)).filter((record) => record.kind === 'result').map((record) => `${RUN}/${String(record.slot)}`));
      const sent = (await allEvents(store.commands(RUN))).map((event) => event.subject!);
      const inFlight = new Set([...sent, ...(await this.runs()).keys()].filter((key) => !ended.has(key)));
      for (const key of inFlight) this.#extra.set(key, (this.#extra.get(key) ?? 0) + 1);
    });
    if (publish) await this.publishOnceWaiting();
  }

  async publishOnceWaiting(): Promise<void> {
    if (this.#published) return;
    await this.#with(async (store) => {
      if (!(await store.getTrigger(RUN, 'event:E005'))) return;
      await new Workspaces(store).publish(RUN, [{ id: 'go-1', source: 'test', type: 'go', subject: 'crashy', data: { at: 'the end' } }]);
      this.#published = true;
    });
  }

  async #with(use: (store: Awaited<ReturnType<typeof openStore>>, log: Awaited<ReturnType<typeof openWorkflowLog>>) => Promise<void>): Promise<void> {
    const store = await openStore(this.url);
    const log = await openWorkflowLog(this.url);
    try {
      if ((await store.listWorkspaces()).includes(RUN)) await use(store, log);
    } finally {
      await log.close();
      await store.close();
    }
  }

  get published(): boolean {
    return this.#published;
  }

  /** How often each key ran, from the counter file. */
  async runs(): Promise<Map<string, number>> {
    const text = await readFile(this.counter, 'utf8').catch(() => '');
    const runs = new Map<string, number>();
    for (const key of text.split('\n').filter(Boolean)) runs.set(key, (runs.get(key) ?? 0) + 1);
    return runs;
  }

  extra(key: string): number {
    return this.#extra.get(key) ?? 0;
  }
}

/** Checks what the run left: the right output, each call ran once plus at most once per kill it was in flight at, one result per slot in the log. */
async function check(url: string, allowance: Allowance): Promise<void> {
  const log = await openWorkflowLog(url);
  try {
    const records = await log.read(RUN);
    const finished = records.find((record) => record.kind === 'finished');
    assert.deepEqual(finished, { kind: 'finished', ok: true, output: EXPECTED });
    const results = records.filter((record): record is LogRecord & { slot: string } => record.kind === 'result');
    assert.equal(results.length, KEYS.length + 2, 'one result per call, the sleep and the event');
    assert.equal(new Set(results.map((result) => result.slot)).size, results.length, 'no slot completed twice in the log');
    const runs = await allowance.runs();
    for (const key of KEYS) {
      const ran = runs.get(key) ?? 0;
      assert.ok(ran >= 1, `${key} ran`);
      assert.ok(ran <= 1 + allowance.extra(key), `${key} ran ${ran} times, but was in flight at only ${allowance.extra(key)} kills`);
    }
  } finally {
    await log.close();
  }
}

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
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(dir(), 'redis'), { recursive: true });
      await embedded(redis.url, join(dir(), 'redis'));
    } finally {
      await redis.stop();
    }
  });

  // Skipped: since the merge of 2026-12-01 (ActionWorker, store and executor changes from other
  // branches) the once-per-wake coordinator on Redis is not woken again and this test polls until
  // Redis refuses connections (12 minutes). It passed on its own branch; the cause is open in issue 13.
  it('on Redis, the coordinator run once per wake event in a process of its own and exiting when it suspends', { skip: 'not woken again since the 2026-12-01 merge: open in issue 13' }, async () => {
    const redis = await startRedis();
    const cwd = join(dir(), 'suspended');
    const { mkdir } = await import('node:fs/promises');
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
      for (;;) {
        const log = await openWorkflowLog(redis.url);
        const finished = (await log.read(RUN)).some((record) => record.kind === 'finished');
        await log.close();
        if (finished) break;
        const wakes = (await allEvents(store.events(RUN)).catch(() => [])).filter((event) => event.type === WAKE).length;
        if (!again && wakes === wakesSeen) {
          if (kills >= KILLS) await allowance.publishOnceWaiting();
          await sleep(50);
          continue;
        }
        wakesSeen = wakes;
        activations++;
        // `run` with the id of a run logged before resumes it.
        const { ended } = await coordinator(['run', MODULE, '--workflow', 'crashy', '--once', '--store', redis.url, '--id', RUN, '--input', INPUT], cwd, kills < KILLS ? Math.floor(Math.random() * 800) : undefined);
        again = ended === 'killed';
        if (again) {
          kills++;
          await allowance.afterKill(false);
        }
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
});
