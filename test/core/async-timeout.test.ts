import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsyncExecutor } from '../../executors/index.js';
import { createInvocations, now, type InvokeResult, type Submission } from '../../src/spi.js';
import { echoDeployable } from '../helpers/drivers.js';
import { ScriptedPlatform } from '../helpers/scripted-platform.js';

/** Accepts every submission and never has a result: the function runs on as far as falco can tell. */
class NeverDone extends ScriptedPlatform {
  #submitted: () => void = () => {};
  /** Resolves once the first call is submitted. */
  readonly submitted = new Promise<void>((resolve) => (this.#submitted = resolve));

  async submit(): Promise<Submission> {
    this.#submitted();
    return { activationId: 'forever' };
  }

  async poll<O>(): Promise<InvokeResult<O> | undefined> {
    return undefined;
  }
}

/** Polls an hour apart, so a cut-off always falls between two polls. */
const rarelyPolling = { pollIntervalMs: 3_600_000, maxPollIntervalMs: 3_600_000, concurrency: 1 };

describe('an async attempt cut off between polls', () => {
  it('ends on the record when its deadline expired, not at its last poll', async () => {
    const platform = new NeverDone();
    const executor = new AsyncExecutor({ ...rarelyPolling, attemptTimeoutMs: 300 });
    const result = await executor.execute({ id: 'p', invocations: createInvocations('p', [{ input: 1 }]) }, await platform.deploy(echoDeployable), platform);
    const [attempt] = result.invocations[0]!.attempts;
    assert.equal(attempt!.errorClass, 'timeout');
    assert.ok(attempt!.endedAt - attempt!.submittedAt >= 300, `recorded as ${attempt!.endedAt - attempt!.submittedAt} ms`);
  });

  it('ends on the record when the run was aborted, not at its last poll', async () => {
    const platform = new NeverDone();
    const controller = new AbortController();
    let abortedAt = 0;
    void platform.submitted.then(() =>
      setTimeout(() => {
        abortedAt = now();
        controller.abort(new Error('user pressed ctrl-c'));
      }, 50),
    );
    const result = await new AsyncExecutor(rarelyPolling).execute(
      { id: 'p', invocations: createInvocations('p', [{ input: 1 }]) },
      await platform.deploy(echoDeployable),
      platform,
      { signal: controller.signal },
    );
    const record = result.invocations[0]!;
    assert.equal(record.status, 'aborted');
    assert.equal(record.attempts[0]!.errorClass, 'aborted');
    assert.ok(record.attempts[0]!.endedAt >= abortedAt, `ended ${abortedAt - record.attempts[0]!.endedAt} ms before the abort`);
  });
});
