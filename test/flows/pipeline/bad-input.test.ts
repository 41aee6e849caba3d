import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pipeline } from '../../../flows/index.js';
import { ConfigError, deployable, DeploymentError, PlanError, type Deployable } from '../../../src/index.js';
import { MemoryWorkspaceStore } from '../../../stores/index.js';
import { suiteLocalPlatform } from './local-platform.js';

const echo = deployable({ runtime: 'nodejs:20', name: 'echo', code: { source: 'function main(args) { return args; }' } });

function refusedWith(type: new (...args: never[]) => Error, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof type, `a ${type.name}, got ${String(error)}`);
    assert.match((error as Error).message, pattern);
    return true;
  };
}

describe('pipelines refuse bad input with a clear error', () => {
  const platform = suiteLocalPlatform();

  it('an apply of a function that cannot be deployed fails the run before any step runs, naming the step', async () => {
    let modified = 0;
    const broken = deployable({ runtime: 'nodejs:20', name: 'broken', code: { source: 'function main( {' } });
    const p = pipeline('undeployable').modify((data) => (modified++, data)).apply(echo).apply(broken);
    await assert.rejects(p.run({ n: 1 }, { platform: platform() }), refusedWith(DeploymentError, /pipeline "undeployable": step 2 \(2\.apply\(broken\)\) cannot be deployed on local: syntax error/));
    assert.equal(modified, 0, 'nothing ran');
  });

  it('state past the embedded cap, or a value JSON cannot carry, fails the step with a clear error', async () => {
    const tooLarge = pipeline<{ n: number }>('big-state').modify((data, { state }) => (state.set('image', 'x'.repeat(70_000)), data));
    await assert.rejects(tooLarge.run({ n: 1 }, { platform: platform() }), (error: unknown) => {
      assert.match(String((error as Error).message), /state key "image" would make the embedded state of request "[^"]+" \d+ bytes, past its cap of 65536 bytes: keep large values in the data/);
      return true;
    });
    const notJson = pipeline<{ n: number }>('date-state').modify((data, { state }) => (state.set('at', new Date() as never), data));
    await assert.rejects(notJson.run({ n: 1 }, { platform: platform() }), (error: unknown) => {
      assert.match(String((error as Error).message), /state key "at" of request "[^"]+" cannot be kept: .*Date.*state holds JSON values only/);
      return true;
    });
  });

  it('an apply of something that is not a deployable is refused when the pipeline is built', () => {
    assert.throws(() => pipeline('not-deployable').apply({ name: 'x' } as unknown as Deployable), refusedWith(ConfigError, /apply\(\) takes a deployable made with deployable\(/));
    assert.throws(() => pipeline<unknown[]>('not-deployable').applyEach(undefined as unknown as Deployable), refusedWith(ConfigError, /applyEach\(\) takes a deployable/));
  });

  it('a callback URL that is not http(s), or that carries credentials, is refused when the pipeline is built', () => {
    for (const url of ['ftp://example.org/result', 'file:///etc/passwd', 'javascript:alert(1)']) {
      assert.throws(() => pipeline('callbacks').callback(url), refusedWith(ConfigError, /a callback must be an http:\/\/ or https:\/\/ URL/));
    }
    assert.throws(() => pipeline('callbacks').callback('not a url'), refusedWith(ConfigError, /is not a URL/));
    assert.throws(() => pipeline('callbacks').callback('https://user:hunter22@example.org/'), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /carries credentials; pass them in `headers`/);
      assert.ok(!error.message.includes('hunter22'));
      return true;
    });
  });

  it('a pipeline with no steps, a bad name, or forwarding without keys is refused', async () => {
    await assert.rejects(pipeline('empty').run(null, { platform: platform() }), refusedWith(ConfigError, /has no steps/));
    assert.throws(() => pipeline('Bad Name'), refusedWith(ConfigError, /must be 1-40 lower-case letters/));
    const store = new MemoryWorkspaceStore();
    await store.createWorkspace('pipelines');
    const stream = store.events('pipelines');
    await assert.rejects(pipeline('unsigned').apply(echo).run({}, { platform: platform(), forwarding: { stream } }), refusedWith(ConfigError, /must be signed: give forwarding\.keys .* or set forwarding\.unsigned: true/));
  });

  it('data JSON cannot carry is refused, naming where it is', async () => {
    await assert.rejects(pipeline('json').apply(echo).run({ when: new Date() } as never, { platform: platform() }), refusedWith(PlanError, /the request's input\.when is a Date/));
    const p = pipeline('modify-json').modify(() => ({ f: () => 1 }));
    await assert.rejects(p.run(null, { platform: platform() }), refusedWith(Error, /step 0 \(0\.modify\) failed: step 0 \(0\.modify\) returned something JSON cannot carry: the output\.f is a function/));
    await assert.rejects(pipeline<unknown[]>('each').applyEach(echo).run({ not: 'a list' } as never, { platform: platform() }), refusedWith(Error, /applies its function to each item of a list, and got object/));
  });

  it('pause, resume and stop of a request the store does not hold say so', async () => {
    const p = pipeline('unknown').apply(echo);
    await assert.rejects(p.pause('nope'), refusedWith(ConfigError, /no request "nope" in this state store/));
    await assert.rejects(p.resume('nope'), refusedWith(ConfigError, /no request "nope"/));
    await assert.rejects(p.stop('nope'), refusedWith(ConfigError, /no request "nope"/));
  });
});
