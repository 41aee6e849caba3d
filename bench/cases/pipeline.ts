import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SequentialExecutor } from '../../executors/index.js';
import type { EventForwarding } from '../../flows/index.js';
import { createPlatform } from '../../platforms/index.js';
import { Driver, ExecutionPlan, outputsOf, type PhaseContext, type Platform, type Runtime } from '../../src/index.js';
import { quantile } from '../../src/observe/distribution.js';
import { MemoryStateManager, openStateManager, openStore, type StateManager, type WorkspaceStore } from '../../stores/index.js';
import { openRedis } from '../../stores/redis/index.js';
import { redisUnavailable, startRedis } from '../../test/helpers/redis-server.js';
import { ms, type Benchmark, type Row } from '../report.js';
import { functionForwardingOverhead } from './pipeline-function.js';
import { fiveSteps, inc, KEYS, median, STEPS } from './pipeline-steps.js';

/** The same five calls through a Driver: a phase each, each phase's input the output of the one before. */
class FiveCalls extends Driver<{ n: number }> {
  runtime(): Runtime<{ n: number }> {
    return { makeDeployment: () => inc, invocationPayload: () => [{ input: { n: 0 } }] };
  }
  override executionPlan() {
    return new ExecutionPlan(
      Array.from({ length: STEPS }, (_, i) => ({
        id: `call-${i}`,
        deployable: inc,
        invocations: ({ previous }: PhaseContext<{ n: number }>) => [{ input: previous ? outputsOf(previous)[0]! : { n: 0 } }],
      })),
    );
  }
}

/**
 * Per forward between phases: a five-phase async request against the same five steps in one phase,
 * over the same state store, on the simulated platform (1 ms calls, no cold start), so that what
 * differs is the forwarding: the status writes, the signed event, the worker's read and ack.
 */
async function forwardingOverhead(platform: Platform, rounds: number, state: StateManager, store?: WorkspaceStore): Promise<number> {
  let forwarding: EventForwarding | undefined;
  if (store) {
    await store.createWorkspace('bench-pipelines');
    forwarding = { stream: store.events('bench-pipelines'), keys: KEYS };
  }
  const sync = fiveSteps(true);
  const async = fiveSteps(false);
  const options = { platform, state, ...(forwarding ? { forwarding } : {}) };
  const oneStep = await median(rounds, () => sync.run({ n: 0 }, options));
  const forwarded = await median(rounds, () => async.run({ n: 0 }, options));
  return (forwarded - oneStep) / (STEPS - 1);
}

/**
 * A five-step sync pipeline against the same five calls through a Driver (both deploy, run and
 * remove each time, on the local platform); then what a forward between phases adds, in process,
 * through the embedded file store and through Redis, beside Redis' own round trip.
 */
export const pipelineBench: Benchmark = {
  name: 'pipeline',
  async run({ quick }) {
    const rounds = quick ? 3 : 15;
    const forwardRounds = quick ? 10 : 50;
    const platform = await createPlatform('local');
    const simulated = await createPlatform('simulated', { latency: { distribution: 'fixed', ms: 1 } });
    const rows: Row[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'falco-bench-pipeline-'));
    try {
      const executor = new SequentialExecutor();
      const driver = await median(rounds, () => new FiveCalls().run({ platform, executor }));
      const sync = fiveSteps(true);
      const piped = await median(rounds, () => sync.run({ n: 0 }, { platform }));
      rows.push({
        benchmark: 'pipeline',
        figure: `${STEPS}-step sync pipeline, local platform, median of ${rounds}`,
        value: ms(piped),
        baseline: `${ms(driver)} (the same ${STEPS} calls through a Driver)`,
        ratio: driver / piped,
        target: '≥ 0.8× throughput',
        met: driver / piped >= 0.8,
      });

      const inProcess = await forwardingOverhead(simulated, forwardRounds, new MemoryStateManager());
      rows.push({ benchmark: 'pipeline', figure: `forwarding per async phase, in process (median of ${forwardRounds})`, value: `${inProcess.toFixed(1)} ms` });
      const fileStore = await openStore(`file:${join(dir, 'store')}`);
      const fileState = await openStateManager(`file:${join(dir, 'state')}`);
      let embedded: number;
      try {
        embedded = await forwardingOverhead(simulated, forwardRounds, fileState, fileStore);
        rows.push({ benchmark: 'pipeline', figure: 'forwarding per async phase, embedded (file store and state, signed)', value: `${embedded.toFixed(1)} ms` });
      } finally {
        await Promise.all([fileStore.close(), fileState.close()]);
      }
      const throughFunction = await functionForwardingOverhead(quick ? 3 : 10, dir);
      rows.push({
        benchmark: 'pipeline',
        figure: 'forwarding per async phase, through the pipeline function (embedded: action worker, trigger, local platform)',
        value: `${throughFunction.toFixed(1)} ms`,
        baseline: `${embedded.toFixed(1)} ms (forwarding through the embedded event stream)`,
        ratio: throughFunction / Math.max(embedded, 0.001),
        target: 'reported',
      });
      if (redisUnavailable() === undefined) rows.push(await onRedis(simulated, forwardRounds));
    } finally {
      await Promise.all([platform.close(), simulated.close()]);
      await rm(dir, { recursive: true, force: true });
    }
    return rows;
  },
};

async function onRedis(platform: Platform, rounds: number): Promise<Row> {
  const redis = await startRedis();
  const client = await openRedis({ url: redis.url });
  const store = await openStore(redis.url);
  const state = await openStateManager(redis.url);
  try {
    const overhead = await forwardingOverhead(platform, rounds, state, store);
    const ping = await roundTrip(() => client.ping());
    // The harness's Redis fsyncs every write (appendfsync always), as a durable pipeline wants: a write's round trip is the fair baseline.
    const write = await roundTrip(() => client.set('bench:pipeline', 'x'));
    return {
      benchmark: 'pipeline',
      figure: 'forwarding per async phase, Redis (stream and state, signed)',
      value: `${overhead.toFixed(1)} ms`,
      baseline: `${write.toFixed(1)} ms per write, ${ping.toFixed(2)} ms per PING (Redis round trips, medians); a forward writes 4 times`,
      ratio: overhead / Math.max(write, 0.001),
      target: 'reported',
    };
  } finally {
    client.destroy();
    await Promise.all([store.close(), state.close()]);
    await redis.stop();
  }
}

async function roundTrip(call: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 100; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return quantile(Float64Array.from(times).sort(), 0.5);
}
