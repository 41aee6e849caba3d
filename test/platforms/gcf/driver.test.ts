import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrentExecutor } from '../../../executors/index.js';
import {
  deployable,
  Driver,
  ExecutionPlan,
  FalcoError,
  FatalError,
  FunctionError,
  type Deployable,
  type InvocationRequest,
  type Runtime,
} from '../../../src/index.js';
import { GcfPlatform } from '../../../platforms/gcf/index.js';
import { startTestbed, suiteTestbed, type GcfTestbed } from './setup.js';

const SQUARE = `
async function main({ n, waitMs }) {
  if (waitMs) await new Promise((resolve) => setTimeout(resolve, waitMs));
  return { square: n * n };
}`;

class SquareDriver extends Driver<{ n: number; waitMs?: number }> {
  constructor(
    readonly code: Deployable,
    readonly requests: InvocationRequest<{ n: number; waitMs?: number }>[],
  ) {
    super();
  }

  runtime(): Runtime<{ n: number; waitMs?: number }> {
    return { makeDeployment: () => this.code, invocationPayload: () => this.requests };
  }

  override executionPlan(): ExecutionPlan {
    return new ExecutionPlan([{ id: 'squares', invocations: this.requests }]);
  }
}

const square = deployable({ runtime: 'nodejs:20', code: { source: SQUARE }, name: 'square' });

describe('gcf: a driver runs unchanged on the gcf platform', { timeout: 120_000 }, () => {
  let bed: GcfTestbed;
  let platform: GcfPlatform;

  before(async () => {
    bed = await startTestbed();
    platform = new GcfPlatform({ ...bed.options, maxSockets: 4 });
  });
  after(async () => {
    await platform.close();
    await bed.double.stop();
  });

  test('deploy, execute concurrently, remove: every record has its output and the instance’s timings', async () => {
    const driver = new SquareDriver(square, Array.from({ length: 8 }, (_, n) => ({ id: `n${n}`, input: { n } })));
    const { phases } = await driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 4 }) });
    const [phase] = phases;
    assert.deepEqual(phase?.counts, { succeeded: 8, failed: 0, aborted: 0 });
    assert.deepEqual(
      phase?.invocations.map((invocation) => invocation.output),
      Array.from({ length: 8 }, (_, n) => ({ square: n * n })),
    );
    const attempts = phase?.invocations.flatMap((invocation) => invocation.attempts) ?? [];
    assert.ok(attempts.every((attempt) => typeof attempt.activationId === 'string' && typeof attempt.durationMs === 'number'));
    assert.equal(attempts.filter((attempt) => attempt.coldStart).length, 1, 'one instance, one cold start');
    assert.deepEqual(bed.double.functionIds(), []);
    assert.equal(bed.double.runningHosts(), 0);
  });

  test('an aborted run still removes its function', async () => {
    const driver = new SquareDriver(square, Array.from({ length: 4 }, (_, n) => ({ id: `n${n}`, input: { n, waitMs: 3_000 } })));
    const controller = new AbortController();
    const run = driver.run({ platform, executor: new ConcurrentExecutor({ concurrency: 2 }), signal: controller.signal });
    const busy = async (): Promise<boolean> => {
      const [id] = bed.double.functionIds();
      return id !== undefined && ((await bed.double.function(id))?.inFlight ?? 0) > 0;
    };
    while (!(await busy())) await sleep(20);
    controller.abort(new Error('stop'));
    await assert.rejects(run, (error: unknown) => error instanceof FalcoError && error.errorClass === 'aborted');
    assert.ok(driver.results[0]?.invocations.every((invocation) => invocation.status === 'aborted'));
    assert.deepEqual(bed.double.functionIds(), []);
    assert.equal(bed.double.runningHosts(), 0);
  });

  test('a run stopped by a fatal error still removes its function', async () => {
    const driver = new SquareDriver(square, [{ id: 'only', input: { n: 3 } }]);
    driver.events.on('deploy', ({ deployment }) => bed.double.injectFaults(deployment.name, { status: 403, body: 'Forbidden' }));
    await assert.rejects(driver.run({ platform, executor: new ConcurrentExecutor() }), FatalError);
    assert.equal(driver.results[0]?.invocations[0]?.error?.class, 'fatal');
    assert.deepEqual(bed.double.functionIds(), []);
  });
});

const PYTHON = `
def main(args):
    if args.get("mode") == "raise":
        raise ValueError("no such thing: " + str(args.get("what")))
    if args.get("mode") == "error":
        return {"error": "refused politely"}
    return {"greeting": args["greeting"] + ", " + args.get("name", "stranger") + "!"}
`;

describe('gcf: a Python function (python311) end to end', { timeout: 120_000 }, () => {
  const { bed, platform } = suiteTestbed();

  test('main.py serves __main__.py: result, a raised error and a returned { error }', async () => {
    const code = deployable({ runtime: 'python:3.11', code: { source: PYTHON }, name: 'hello-py', params: { greeting: 'Hello' } });
    const deployment = await platform().deploy(code);
    const call = { invocationId: 'i', attempt: 1 };
    try {
      const created = await bed().double.function(deployment.name);
      assert.equal(created?.spec.buildConfig?.runtime, 'python311');
      assert.equal(created?.spec.buildConfig?.entryPoint, 'falco_handler');
      const result = await platform().invoke(deployment, { name: 'world' }, call);
      assert.deepEqual(result.output, { greeting: 'Hello, world!' });
      assert.equal(result.coldStart, true);
      await assert.rejects(platform().invoke(deployment, { mode: 'raise', what: 'x' }, call), (error: unknown) => {
        assert.ok(error instanceof FunctionError, String(error));
        assert.equal(error.message, 'no such thing: x');
        assert.equal(error.errorType, 'ValueError');
        return true;
      });
      await assert.rejects(platform().invoke(deployment, { mode: 'error' }, call), (error: unknown) => {
        assert.ok(error instanceof FunctionError, String(error));
        assert.equal(error.message, 'refused politely');
        return true;
      });
    } finally {
      await platform().remove(deployment);
    }
    assert.deepEqual(bed().double.functionIds(), []);
  });
});

