import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore, type FalcoEvent } from '../../stores/index.js';
import { falco, fixture } from '../helpers/falco-cli.js';
import { redisUnavailable } from '../helpers/redis-server.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { suiteRedis } from '../stores/suite-redis.js';
import { allEvents } from './stream-reading.js';

const SIMULATED = ['-p', 'simulated', '--platform-options', '{"latency":{"distribution":"fixed","ms":1}}', '-q'];

/** Every event in the workspace's stream, oldest first. */
async function eventsIn(url: string, workspace: string): Promise<FalcoEvent[]> {
  const store = await openStore(url);
  try {
    return await allEvents(store.events(workspace));
  } finally {
    await store.close();
  }
}

function checkRunEvents(events: FalcoEvent[], runId: string): void {
  const invocations = events.filter((event) => event.type === 'falco.invocation.succeeded');
  assert.equal(invocations.length, 121, 'one event per invocation of the two phases');
  assert.ok(invocations.some((event) => event.subject === `${runId}/map/n7` && event.id === `${runId}/map/n7/1`));
  assert.deepEqual(events.filter((event) => event.type === 'falco.phase.ended').map((event) => event.subject), [`${runId}/map`, `${runId}/reduce`]);
  assert.deepEqual(events.filter((event) => event.type === 'falco.run.ended').map((event) => event.subject), [runId]);
}

describe('falco run --events', () => {
  const dir = suiteTempDir('falco-run-events-');

  it('publishes the run to a workspace of the file store, as other processes read it', async () => {
    const url = `file:${dir()}/store`;
    const run = await falco(['run', fixture('squares-driver'), ...SIMULATED, '--run-id', 'filed', '--events', url, '--events-workspace', 'watch'], dir());
    assert.equal(run.code, 0, run.stderr);
    checkRunEvents(await eventsIn(url, 'watch'), 'filed');
  });

  it('refuses a store no other process could read, and an unknown one, as bad usage', async () => {
    const memory = await falco(['run', fixture('squares-driver'), ...SIMULATED, '--events', 'memory:'], dir());
    assert.equal(memory.code, 2);
    assert.match(memory.stderr, /--events memory: would publish to a store no other process sees/);
    const unknown = await falco(['run', fixture('squares-driver'), ...SIMULATED, '--events', 'kafka://x'], dir());
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--events: unknown store "kafka:"/);
  });

  describe('on Redis', { skip: redisUnavailable() }, () => {
    const redis = suiteRedis();

    it('publishes the run to the workspace stream in Redis', async () => {
      const run = await falco(['run', fixture('squares-driver'), ...SIMULATED, '--run-id', 'streamed', '--events', redis.server().url], dir());
      assert.equal(run.code, 0, run.stderr);
      checkRunEvents(await eventsIn(redis.server().url, 'runs'), 'streamed');
    });
  });
});
