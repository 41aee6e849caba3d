import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { suiteTempDir } from '../helpers/temp-dir.js';
import { cliFixture, falco, fixture } from '../helpers/falco-cli.js';

const SIMULATED = ['-p', 'simulated', '--platform-options', JSON.stringify({ latency: { distribution: 'fixed', ms: 1 } }), '-q'];

describe('falco run: bad usage is found before anything runs', () => {
  const dir = suiteTempDir('falco-cli-usage-');

  it('names the flag and the fix for a malformed connection flag, exits 2, prints no summary and never repeats a token', async () => {
    const secret = 'not-a-token-s3cr3t';
    const cases: [string[], RegExp][] = [
      [['--host', 'http://127.0.0.1:9', '--token', secret], /--token must have the form uuid:key/],
      [['--host', 'https://user:pa55word@openwhisk.example.org', '--token', 'a:b'], /--host must not carry credentials/],
      [['--host', 'ftp://openwhisk.example.org', '--token', 'a:b'], /--host "ftp:\/\/openwhisk\.example\.org" is not a host name or an http\(s\) URL, e.g\. --host https:/],
      [['-p', 'lambda', '--endpoint', 'localhost:5000'], /--endpoint "localhost:5000" is not an http\(s\) URL, e\.g\. --endpoint http:/],
      [['-p', 'lambda', '--token', 'a:b'], /--token does not apply to the lambda platform: it is for openwhisk/],
      [['-p', 'simulated', '--region', 'eu-central-1'], /--region does not apply to the simulated platform: it is for lambda, gcf/],
      [['-p', 'lambda', '--project', 'p'], /--project does not apply to the lambda platform: it is for gcf/],
      [['-p', 'simulated', '--run-id', '../escape', '--resume'], /--run-id: .*run id "\.\.\/escape" cannot name a journal file/],
      [['-p', 'simulated', '-e', 'sequential', '-c', '4'], /--concurrency does not apply to the sequential executor/],
    ];
    for (const [flags, message] of cases) {
      const { code, stdout, stderr } = await falco(['run', fixture('squares-driver'), '-q', ...flags], dir());
      assert.equal(code, 2, `${flags.join(' ')}: ${stderr}`);
      assert.match(stderr, message, flags.join(' '));
      assert.equal(stdout, '', `${flags.join(' ')}: no empty summary`);
      assert.ok(!stderr.includes(secret) && !stderr.includes('pa55word'), 'secrets are never repeated');
    }
  });

  it('exits 2 when the run itself finds bad options (an OpenWhisk host with no token anywhere), with no empty summary', async () => {
    const home = join(dir(), 'home');
    await mkdir(home, { recursive: true });
    const { code, stdout, stderr } = await falco(['run', fixture('squares-driver'), '--host', 'http://127.0.0.1:9', '-q'], dir(), { HOME: home, __OW_API_KEY: '' });
    assert.equal(code, 2, stderr);
    assert.match(stderr, /ConfigError: OpenWhisk: no token/);
    assert.equal(stdout, '');
  });

  it('refuses an output it cannot write before the run, names it, and leaves no file behind', async () => {
    const cwd = join(dir(), 'outputs');
    await mkdir(join(cwd, 'a-folder'), { recursive: true });
    await writeFile(join(cwd, 'a-file'), 'x');
    const cases: [string[], RegExp][] = [
      [['--report', 'a-folder'], /cannot write "a-folder": it is a folder/],
      [['--summary', 'a-file/summary.json'], /cannot write "a-file\/summary\.json": .*a-file is not a folder/],
      [['--records', 'no/such/run.jsonl'], /cannot write "no\/such\/run\.jsonl": the folder .*no\/such does not exist/],
      [['--records', 'run.jsonl', '--report', './run.jsonl'], /"\.\/run\.jsonl" and "run\.jsonl" are the same file/],
      [['--records', '/proc/falco-run.jsonl'], /cannot write "\/proc\/falco-run\.jsonl": no file can be created in \/proc/],
    ];
    for (const [flags, message] of cases) {
      const { code, stdout, stderr } = await falco(['run', fixture('squares-driver'), ...SIMULATED, '--records', 'fine.csv', '--summary', 'fine.json', ...flags], cwd);
      assert.equal(code, 2, `${flags.join(' ')}: ${stderr}`);
      assert.match(stderr, message);
      assert.equal(stdout, '', 'nothing ran');
    }
    assert.deepEqual((await readdir(cwd)).sort(), ['a-file', 'a-folder'], 'the probes left nothing behind');
    assert.equal(await readFile(join(cwd, 'a-file'), 'utf8'), 'x', 'an existing file is probed, not changed');
  });

  it('still prints the summary, and writes the other outputs, when an output folder vanished during the run (exit 1)', async () => {
    const cwd = join(dir(), 'vanishing');
    await mkdir(join(cwd, 'out'), { recursive: true });
    const { code, stdout, stderr } = await falco(
      ['run', cliFixture('output-removed-driver'), ...SIMULATED, '--report', 'out/run.html', '--records', 'run.jsonl', '--summary', 'summary.json'],
      cwd,
    );
    assert.equal(code, 1, stderr);
    assert.match(stderr, /an output could not be written: .*out\/run\.html/);
    assert.doesNotMatch(stderr, /report written/);
    assert.match(stdout, /^main +1 +1 +0 +0 /m, 'the summary is printed');
    const summary = JSON.parse(await readFile(join(cwd, 'summary.json'), 'utf8')) as { total: { succeeded: number } };
    assert.equal(summary.total.succeeded, 1);
    assert.equal((await readFile(join(cwd, 'run.jsonl'), 'utf8')).trimEnd().split('\n').length, 1);
  });
});
