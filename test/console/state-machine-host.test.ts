import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { WorkflowClient, type WorkflowView } from '../../flows/index.js';
import { serveCli } from '../helpers/falco-cli.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { hourLong, until } from './kinds.js';

const MODULE = fileURLToPath(new URL('./fixtures/counted.js', import.meta.url));

/** First, a Wait of `seconds`, then Second: each Task appends its name to the counter file. */
function twoTasks(seconds: number) {
  return {
    Comment: 'two-tasks',
    StartAt: 'First',
    States: {
      First: { Type: 'Task', Resource: 'first', Next: 'Pause' },
      Pause: { Type: 'Wait', Seconds: seconds, Next: 'Second' },
      Second: { Type: 'Task', Resource: 'second', End: true },
    },
  };
}

/** Consoles and serving processes of the CLI on one store, each killed by SIGKILL; all of them killed after the suite. */
function processes(dir: () => string, store: () => string) {
  const children = new Set<ChildProcess>();
  const track = <T extends { child: ChildProcess }>(started: T): T => {
    children.add(started.child);
    return started;
  };
  return {
    serve: async () => track(await serveCli(['triggers', 'serve', 'sm-host', '--create', '--store', store(), '--port', '0', '--workflows', MODULE], dir(), /serving workspace \S+ on (http:\S+)/)),
    console: async () => {
      const server = track(await serveCli(['console', '--store', store(), '--port', '0', '--workflows', MODULE], dir(), /console on (http:\S+)/));
      return { ...server, client: new WorkflowClient({ url: server.url }) };
    },
    kill: async ({ child, exited }: { child: ChildProcess; exited: Promise<number | null> }) => {
      child.kill('SIGKILL');
      await exited;
      children.delete(child);
    },
    killAll: () => {
      for (const child of children) child.kill('SIGKILL');
    },
    /** A directory of its own for a run: its Tasks count their runs in `<dir>/count`. */
    runDir: async (name: string) => {
      const path = join(dir(), name);
      await mkdir(path);
      return path;
    },
  };
}

const counts = async (runDir: string): Promise<Record<string, number>> => {
  const text = await readFile(join(runDir, 'count'), 'utf8').catch(() => '');
  const counted: Record<string, number> = {};
  for (const name of text.split('\n').filter(Boolean)) counted[name] = (counted[name] ?? 0) + 1;
  return counted;
};

const finished = (client: WorkflowClient, id: string) =>
  until(`${id} finished`, async () => {
    const view = await client.inspect(id);
    return view?.state === 'finished' && view;
  });

/** Once First has run, the run waits in Pause. */
const waitsInPause = (client: WorkflowClient, id: string, runDir: string) =>
  until(`${id} waits in Pause`, async () => (await counts(runDir)).first === 1 && (await client.inspect(id))?.tasks.find((task) => task.node === 'Pause')?.state === 'waiting');

/** The run finishes with each state's times and output, and each Task ran once. */
async function finishedOnce(client: WorkflowClient, id: string, runDir: string): Promise<void> {
  assertStates(await finished(client, id), runDir);
  assert.deepEqual(await counts(runDir), { first: 1, second: 1 });
}

function assertStates(view: WorkflowView, runDir: string): void {
  for (const node of ['First', 'Pause', 'Second']) {
    const task = view.tasks.find((candidate) => candidate.node === node)!;
    assert.equal(task.state, 'succeeded', node);
    assert.ok(task.startedAt !== undefined && task.endedAt !== undefined && task.startedAt <= task.endedAt, `${node} has its times`);
  }
  const [first, pause, second] = ['First', 'Pause', 'Second'].map((node) => view.tasks.find((task) => task.node === node)!);
  assert.ok(first!.endedAt! <= pause!.startedAt! && pause!.endedAt! <= second!.startedAt!, 'the states ran in order');
  assert.ok(pause!.endedAt! - pause!.startedAt! >= 1000, 'the Wait waited its second');
  assert.deepEqual(second!.output, { dir: runDir, first: true, second: true });
  assert.deepEqual(view.output, { dir: runDir, first: true, second: true });
}

describe('state machines started through falco console run on falco triggers serve, Redis store, separate processes', { skip: redisUnavailable() }, () => {
  const dir = suiteTempDir('falco-sm-host-');
  let redis: RedisServer;
  const cli = processes(dir, () => redis.url);
  let serving: Awaited<ReturnType<typeof cli.serve>> | undefined;
  const serve = async () => {
    serving = await cli.serve();
  };

  before(async () => {
    redis = await startRedis();
    await serve();
  });
  after(async () => {
    cli.killAll();
    await redis.stop();
  });

  it('finishes a run whose console was SIGKILLed mid-run; a new console shows it finished with each state\'s times and output', async () => {
    const first = await cli.console();
    const counter = await cli.runDir('console');
    const started = await first.client.startStateMachine(twoTasks(1), { dir: counter }, { id: 'outlives-console' });
    assert.equal(started.state, 'running');
    await until('First ran', async () => (await counts(counter)).first === 1);
    await first.client.close();
    await cli.kill(first);
    await until('Second ran with no console up', async () => (await counts(counter)).second === 1);
    const second = await cli.console();
    try {
      await finishedOnce(second.client, started.id, counter);
    } finally {
      await second.client.close();
      await cli.kill(second);
    }
  });

  it('carries a run on when its serving process is SIGKILLed mid-run and started again: each Task ran once', async () => {
    const viewer = await cli.console();
    try {
      const counter = await cli.runDir('serve');
      const started = await viewer.client.startStateMachine(twoTasks(2), { dir: counter }, { id: 'outlives-serve' });
      await waitsInPause(viewer.client, started.id, counter);
      await cli.kill(serving!);
      await serve();
      await finishedOnce(viewer.client, started.id, counter);
    } finally {
      await viewer.client.close();
      await cli.kill(viewer);
    }
  });

  it('terminates a run from a console other than the one that started it', async () => {
    const starter = await cli.console();
    const other = await cli.console();
    try {
      const started = await starter.client.startStateMachine(hourLong, {}, { id: 'terminated-elsewhere' });
      await until('the hour-long Wait is waiting', async () => (await other.client.inspect(started.id))?.tasks[0]?.state === 'waiting');
      const terminated = await other.client.terminate(started.id);
      assert.equal(terminated.state, 'terminated');
      const seen = await starter.client.inspect(started.id);
      assert.equal(seen?.state, 'terminated');
      assert.ok(seen?.endedAt !== undefined);
    } finally {
      await Promise.all([starter.client.close(), other.client.close()]);
      await Promise.all([cli.kill(starter), cli.kill(other)]);
    }
  });
});

describe('state machines on a file store: the console hosts them, and a console started after one was SIGKILLed carries its runs on', () => {
  const dir = suiteTempDir('falco-sm-file-');
  const cli = processes(dir, () => `file:${join(dir(), 'store')}`);
  after(() => cli.killAll());

  it('finishes a run left running in its Wait by a SIGKILLed console: each Task ran once, the workspace is removed', async () => {
    const first = await cli.console();
    const counter = await cli.runDir('file-console');
    const started = await first.client.startStateMachine(twoTasks(2), { dir: counter }, { id: 'left-running' });
    await waitsInPause(first.client, started.id, counter);
    await first.client.close();
    await cli.kill(first);
    const second = await cli.console();
    try {
      await finishedOnce(second.client, started.id, counter);
      await until('the run\'s workspace is removed', async () => !existsSync(join(dir(), 'store', started.id)));
    } finally {
      await second.client.close();
      await cli.kill(second);
    }
  });
});
