import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TriggerRecord } from '../../flows/index.js';
import { falco, serveCli } from '../helpers/falco-cli.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

/** Starts `falco triggers serve` and resolves with its URL once it is listening. */
const serve = (args: string[], cwd: string) => serveCli(['triggers', 'serve', ...args], cwd, /serving workspace \S+ on (http:\S+)/);

const counter = { id: 'count', activation: [{ type: 'tick' }], condition: { name: 'counter', options: { threshold: 1000 } }, action: { name: 'pass' }, transient: false };

describe('falco triggers', () => {
  const dir = suiteTempDir('falco-triggers-');

  it('serve takes CloudEvents over HTTP in binary and structured mode, and answers 400 with the reason for a malformed one', async () => {
    await writeFile(join(dir(), 'count.json'), JSON.stringify([counter]));
    const { child, url, exited } = await serve(['ws', '--store', 'memory:', '--create', '--triggers', 'count.json', '--port', '0'], dir());
    try {
      const post = (headers: Record<string, string>, body: string) => fetch(url, { method: 'POST', headers, body });
      const binary = await post({ 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'b1', 'ce-source': 'curl', 'ce-type': 'tick' }, '{"n":1}');
      assert.equal(binary.status, 202, await binary.clone().text());
      assert.deepEqual(await binary.json(), { accepted: ['b1'] });
      const structured = await post({ 'content-type': 'application/cloudevents+json' }, JSON.stringify({ specversion: '1.0', id: 's1', source: 'curl', type: 'tick', data: { n: 2 } }));
      assert.equal(structured.status, 202);
      const noId = await post({ 'content-type': 'application/cloudevents+json' }, JSON.stringify({ specversion: '1.0', source: 'curl', type: 'tick' }));
      assert.equal(noId.status, 400);
      assert.match(((await noId.json()) as { error: string }).error, /the event has no "id"/);
      const notJson = await post({ 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'b2', 'ce-source': 'curl', 'ce-type': 'tick' }, '{oops');
      assert.equal(notJson.status, 400);
      assert.match(((await notJson.json()) as { error: string }).error, /not a valid CloudEvent/);
      const noEvent = await post({ 'content-type': 'application/json' }, '{}');
      assert.equal(noEvent.status, 400);
      let count: unknown;
      for (let tries = 0; tries < 400 && count !== 2; tries++) {
        const [record] = (await (await fetch(`${url}/triggers`)).json()) as TriggerRecord[];
        count = record?.context.counter;
        if (count !== 2) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.equal(count, 2, 'both accepted events reached the trigger, the refused ones did not');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, 'SIGTERM stops serve cleanly');
  });

  it('refuses an unknown condition, a missing workspace and a missing trigger, each with the fix (exit 2)', async () => {
    await writeFile(join(dir(), 'bad.json'), JSON.stringify({ ...counter, condition: { name: 'countr' } }));
    const bad = await falco(['triggers', 'add', 'ws', 'bad.json', '--store', 'memory:', '--create'], dir());
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /TriggerDefinitionError: trigger "count": no condition named "countr" is registered; use one of true, join, counter/);
    const missing = await falco(['triggers', 'list', 'nowhere', '--store', 'memory:'], dir());
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /WorkspaceNotFoundError: the workspace "nowhere" does not exist: create it first/);
    const store = await falco(['triggers', 'list', 'ws', '--store', 'ftp://x'], dir());
    assert.equal(store.code, 2);
    assert.match(store.stderr, /unknown store "ftp:": use redis:\/\/host:port, file:DIR or memory:/);
  });

  it('add, list, get and delete through the embedded file store, across processes', async () => {
    await writeFile(join(dir(), 'count.json'), JSON.stringify(counter));
    const added = await falco(['triggers', 'add', 'files', 'count.json', '--create'], dir());
    assert.equal(added.code, 0, added.stderr);
    const listed = await falco(['triggers', 'list', 'files'], dir());
    assert.match(listed.stdout, /^count\tcounter\tpass\tfired 0\tpersistent$/m);
    const got = await falco(['triggers', 'get', 'files', 'count'], dir());
    assert.equal((JSON.parse(got.stdout) as TriggerRecord).spec.id, 'count');
    assert.equal((await falco(['triggers', 'delete', 'files', 'count'], dir())).code, 0);
    const gone = await falco(['triggers', 'get', 'files', 'count'], dir());
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /there is no trigger "count" in workspace "files"/);
  });
});
