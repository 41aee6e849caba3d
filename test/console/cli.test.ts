import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { WorkflowDetail } from '../../flows/index.js';
import { falco, serveCli } from '../helpers/falco-cli.js';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { countdown } from './kinds.js';
import { line } from './workflows.js';

const TASKS = fileURLToPath(new URL('./fixtures/tasks.js', import.meta.url));
const WORKFLOWS = fileURLToPath(new URL('./fixtures/workflows.js', import.meta.url));
const LISTENING = /console on (http:\S+)/;

describe('falco console and falco workflow', () => {
  const dir = suiteTempDir('falco-console-cli-');

  async function graphFile(name: string, nodes: Parameters<typeof line>[1]): Promise<string> {
    const path = join(dir(), `${name}.json`);
    await writeFile(path, JSON.stringify(line(name, nodes)));
    return path;
  }

  it('start, list, inspect, pause, resume, terminate, archive, restore and restart a workflow through the API', async () => {
    const server = await serveCli(['console', '--store', 'memory:', '--port', '0', '--tasks', TASKS], dir(), LISTENING);
    try {
      const api = ['--api', server.url];
      const waiting = await graphFile('waiting', [{ id: 'E.1', name: 'echo' }, { id: 'W.2', name: 'wait:delay', parameters: { seconds: 3600 } }]);
      const started = await falco(['workflow', 'start', waiting, '--input', '{"n":1}', '--id', 'w1', ...api], dir());
      assert.equal(started.code, 0, started.stderr);
      assert.equal(started.stdout, 'w1\n');
      const listed = await falco(['workflow', 'list', ...api], dir());
      assert.match(listed.stdout, /^w1\twaiting\trunning\t/m);
      for (const [action, state] of [
        ['pause', 'paused'],
        ['resume', 'running'],
        ['terminate', 'terminated'],
        ['archive', 'terminated \\(archived\\)'],
      ]) {
        const done = await falco(['workflow', action!, 'w1', ...api], dir());
        assert.equal(done.code, 0, done.stderr);
        assert.match(done.stdout, new RegExp(`^w1\\twaiting\\t${state}\\t`), action);
      }
      assert.doesNotMatch((await falco(['workflow', 'list', ...api], dir())).stdout, /w1/);
      assert.match((await falco(['workflow', 'list', '--archived', ...api], dir())).stdout, /^w1\t/m);
      assert.equal((await falco(['workflow', 'restore', 'w1', ...api], dir())).code, 0);

      const again = await falco(['workflow', 'resume', 'w1', ...api], dir());
      assert.equal(again.code, 2, 'a refused action is bad usage');
      assert.match(again.stderr, /cannot resume: .*w1/);
      const unknown = await falco(['workflow', 'inspect', 'nobody', ...api], dir());
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /there is no workflow "nobody"/);

      const failing = await graphFile('failing', [{ id: 'F.1', name: 'fail' }]);
      assert.equal((await falco(['workflow', 'start', failing, '--id', 'f1', ...api], dir())).code, 0);
      let detail: WorkflowDetail | undefined;
      for (let i = 0; i < 600 && detail?.state !== 'failed'; i++) {
        detail = JSON.parse((await falco(['workflow', 'inspect', 'f1', '--json', ...api], dir())).stdout) as WorkflowDetail;
        if (detail.state !== 'failed') await sleep(50);
      }
      assert.equal(detail?.state, 'failed');
      const inspected = await falco(['workflow', 'inspect', 'f1', ...api], dir());
      assert.match(inspected.stdout, /F\.1\tfail\tfailed\tattempt 1\t.*no luck this time/);
      const restarted = await falco(['workflow', 'restart', 'f1', ...api], dir());
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.match(restarted.stdout, /^f1\tfailing\trunning\t/);
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0, 'SIGTERM stops the console cleanly');
  });

  it('with a token, changes need it (FALCO_API_TOKEN or --token); the token shows nowhere', async () => {
    const token = 'console-token-0123456789';
    const server = await serveCli(['console', '--store', 'memory:', '--port', '0'], dir(), LISTENING, { FALCO_API_TOKEN: token });
    let output = '';
    server.child.stdout!.on('data', (chunk) => (output += chunk));
    server.child.stderr!.on('data', (chunk) => (output += chunk));
    try {
      const api = ['--api', server.url];
      const waiting = await graphFile('guarded', [{ id: 'W.1', name: 'wait:delay', parameters: { seconds: 3600 } }]);
      const refused = await falco(['workflow', 'start', waiting, ...api], dir(), { FALCO_API_TOKEN: '' });
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /Authorization: Bearer <token>/);
      const wrong = await falco(['workflow', 'start', waiting, '--token', 'a-wrong-token-of-some-length', ...api], dir());
      assert.equal(wrong.code, 2);
      assert.doesNotMatch(wrong.stderr, /a-wrong-token|console-token/);
      const started = await falco(['workflow', 'start', waiting, '--id', 'g1', ...api], dir(), { FALCO_API_TOKEN: token });
      assert.equal(started.code, 0, started.stderr);
      assert.equal((await falco(['workflow', 'list', ...api], dir(), { FALCO_API_TOKEN: '' })).code, 0, 'reading needs no token');
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0);
    assert.ok(!output.includes(token), 'the console never prints its token');
  });

  it('refuses to listen beyond loopback without a token, and a tasks module with no task kinds', async () => {
    const open = await falco(['console', '--store', 'memory:', '--host', '0.0.0.0', '--port', '0'], dir());
    assert.equal(open.code, 2);
    assert.match(open.stderr, /listen on 0\.0\.0\.0 with no token/);
    const empty = join(dir(), 'empty.js');
    await writeFile(empty, 'export const other = 1;\n');
    const none = await falco(['console', '--store', 'memory:', '--port', '0', '--tasks', empty], dir());
    assert.equal(none.code, 2);
    assert.match(none.stderr, /exports no "kinds"/);
  });

  it('runs a state machine from a JSON file beside the graphs, and lists and inspects it with its kind', async () => {
    const server = await serveCli(['console', '--store', 'memory:', '--port', '0', '--workflows', WORKFLOWS], dir(), LISTENING);
    try {
      const api = ['--api', server.url];
      const file = join(dir(), 'countdown.json');
      await writeFile(file, JSON.stringify(countdown));
      const started = await falco(['workflow', 'start', file, '--input', '{"n":2}', '--id', 'sm1', ...api], dir());
      assert.equal(started.code, 0, started.stderr);
      let listed = '';
      for (let i = 0; i < 600 && !/^sm1\tcountdown\tfinished\t/m.test(listed); i++) {
        listed = (await falco(['workflow', 'list', ...api], dir())).stdout;
        await sleep(50);
      }
      assert.match(listed, /^sm1\tcountdown\tfinished\t\S+\t\S+\tstate-machine$/m);
      const inspected = await falco(['workflow', 'inspect', 'sm1', ...api], dir());
      assert.match(inspected.stdout, /^ {2}Check\tChoice\tsucceeded\tattempt 1 \(entered 3×\)\t/m);
      const paused = await falco(['workflow', 'pause', 'sm1', ...api], dir());
      assert.equal(paused.code, 2);
      assert.match(paused.stderr, /a state machine cannot be paused/);
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0, 'SIGTERM stops the console cleanly');
  });
});
