import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { falco, fixture } from '../../helpers/falco-cli.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';

const MODULE = fixture('code-workflow');

describe('falco workflow run | status | cancel | resume', () => {
  const dir = suiteTempDir('falco-code-cli-');
  const store = () => ['--store', `file:${dir()}/store`];

  it('runs a workflow from a module to its end and reports it; status reads the log', async () => {
    const ran = await falco(['workflow', 'run', MODULE, '--workflow', 'quick', '--id', 'q1', '--input', '{"n":4}', ...store()], dir());
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /\{"runId":"q1","status":"succeeded","output":16\}/);
    const status = await falco(['workflow', 'status', 'q1', ...store()], dir());
    assert.equal(status.stdout, 'q1\tquick\tsucceeded\tcalls 1\tresults 1\toutput 16\n');
  });

  it('runs a coordinator once (it suspends), cancels the run, and a resume of a cancelled run reports it', async () => {
    const once = await falco(['workflow', 'run', MODULE, '--workflow', 'crashy', '--id', 'c1', '--once', '--input', '{"n":1,"map":2,"reduce":2}', ...store()], dir());
    assert.equal(once.code, 0, once.stderr);
    assert.match(once.stdout, /the coordinator suspended/);
    assert.match((await falco(['workflow', 'status', 'c1', ...store()], dir())).stdout, /^c1\tcrashy\trunning\tcalls 1\tresults 0\n$/);
    assert.equal((await falco(['workflow', 'cancel', 'c1', ...store()], dir())).stdout, 'c1\tcancelled\n');
    const resumed = await falco(['workflow', 'resume', 'c1', ...store()], dir());
    assert.equal(resumed.code, 1);
    assert.match(resumed.stdout, /"status":"cancelled"/);
  });

  it('names what is wrong: several workflows and none picked, input that is not JSON, a coordinator function on a file store, an unknown run', async () => {
    const several = await falco(['workflow', 'run', MODULE, ...store()], dir());
    assert.equal(several.code, 2);
    assert.match(several.stderr, /exports 2 workflows \("crashy", "quick"\): pick one with --workflow NAME/);
    const badInput = await falco(['workflow', 'run', MODULE, '--workflow', 'quick', '--input', '{n:1}', ...store()], dir());
    assert.equal(badInput.code, 2);
    assert.match(badInput.stderr, /--input is not JSON/);
    const fileFunction = await falco(['workflow', 'run', MODULE, '--workflow', 'quick', '--coordinator', 'function', ...store()], dir());
    assert.equal(fileFunction.code, 2);
    assert.match(fileFunction.stderr, /the coordinator function cannot share the file store .*: one process at a time holds it, and the process serving the run does: use a redis:\/\/ store/);
    const unknown = await falco(['workflow', 'status', 'nope', ...store()], dir());
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /there is no workflow run "nope"/);
  });
});
