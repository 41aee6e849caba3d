import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Workspaces } from '../../../flows/index.js';
import { openStore, openWorkflowLog, type LogRecord } from '../../../stores/index.js';
import { fixture } from '../../helpers/falco-cli.js';
import { allEvents } from '../stream-reading.js';

/** The run the crash tests drive through `falco workflow run`: the fixture's "crashy" workflow, and what it must end with. */
export const MAP = 1_000;
const REDUCE = 50;
export const KILLS = 10;
export const RUN = 'crashy-1';
export const INPUT = JSON.stringify({ n: 3, map: MAP, reduce: REDUCE });
export const MODULE = fixture('code-workflow');
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
export class Allowance {
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
      // The action worker acknowledges a command with its result, in one checkpoint: a call whose result is logged never runs again.
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
export async function check(url: string, allowance: Allowance): Promise<void> {
  const log = await openWorkflowLog(url);
  try {
    const records = await log.read(RUN);
    const finished = records.find((record) => record.kind === 'finished');
    assert.deepEqual(finished, { kind: 'finished', ok: true, output: EXPECTED, at: finished?.at });
    assert.equal(typeof finished?.at, 'number', 'the end has the time it was logged');
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

