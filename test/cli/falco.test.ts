import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { OpenWhiskPlatform } from '../../platforms/openwhisk/index.js';
import { deployable } from '../../src/index.js';
import { type RunSummary } from '../../src/observe/index.js';
import { OpenWhiskDouble } from '../doubles/openwhisk/index.js';
import { CLI, cliFixture, falco, fixture } from '../helpers/falco-cli.js';
import { suiteTempDir } from '../helpers/temp-dir.js';

/** The summary table's total row in a report: the cells by column. */
function totalRow(html: string): Record<string, string> {
  const row = /<tr class="total"[^>]*>(.*?)<\/tr>/.exec(html)?.[1] ?? '';
  return Object.fromEntries([...row.matchAll(/<td data-key="(\w+)">([^<]*)<\/td>/g)].map((m) => [m[1]!, m[2]!]));
}

const FAULTY = JSON.stringify({ seed: 4, latency: { distribution: 'lognormal', medianMs: 8, sigma: 0.4 }, coldStartMs: 10, transientErrorRate: 0.1, functionErrorRate: 0.05 });
const CLEAN = JSON.stringify({ seed: 4, latency: { distribution: 'fixed', ms: 3 } });

describe('the falco command', () => {
  const dir = suiteTempDir('falco-cli-');

  it('resumes a run from its journal with --resume and the same --run-id, running nothing already done', async () => {
    const args = ['run', fixture('squares-driver'), '--platform', 'simulated', '--platform-options', CLEAN, '--run-id', 'resumed', '--resume', '-q'];
    const first = await falco(args, dir());
    assert.equal(first.code, 0, first.stderr);
    const journal = join(dir(), '.falco', 'runs', 'resumed.jsonl');
    const kept = (await readFile(journal, 'utf8')).trimEnd().split('\n');
    assert.ok(kept.length > 0);
    const second = await falco(args, dir());
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual((await readFile(journal, 'utf8')).trimEnd().split('\n'), kept, 'nothing ran again, nothing was added');
    const missingId = await falco(['run', fixture('squares-driver'), '--platform', 'simulated', '--resume'], dir());
    assert.equal(missingId.code, 2);
    assert.match(missingId.stderr, /--resume needs --run-id/);
  });

  it('runs a driver module on the simulated platform: records, report, summary; exit 1 when invocations failed', async () => {
    const { code, stdout, stderr } = await falco(
      ['run', fixture('squares-driver'), '--platform', 'simulated', '--platform-options', FAULTY, '-c', '8',
        '--records', 'run.jsonl', '--records', 'run.csv', '--report', 'run.html', '--summary', 'summary.json', '--run-id', 'cli-run', '--pricing', 'lambda'],
      dir(),
    );
    const summary = JSON.parse(await readFile(join(dir(), 'summary.json'), 'utf8')) as RunSummary;
    assert.ok(summary.total.failed > 0, 'the seeded function errors fail some invocations');
    assert.equal(code, 1, stderr);
    assert.deepEqual(summary.runIds, ['cli-run']);
    assert.equal(summary.total.invocations, 121);
    assert.equal(summary.phases[0]!.memoryMB, 512);
    assert.match(stdout, /^run cli-run: 2 phases/);
    assert.match(stdout, new RegExp(`^map +120 +${summary.phases[0]!.succeeded} +${summary.phases[0]!.failed} `, 'm'));
    assert.match(stdout, /^total +121 /m);
    assert.match(stdout, /cost: \$[\d.e-]+ = .*AWS Lambda x86_64/);
    assert.match(stderr, /^\[falco\] map: 120 invocations$/m, 'plain progress lines on a pipe');
    assert.match(stderr, /^\[falco\] map: 120\/120 done/m);

    const lines = (await readFile(join(dir(), 'run.jsonl'), 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 121);
    assert.ok(lines.every((line) => (JSON.parse(line) as { runId: string }).runId === 'cli-run'));

    // The failed invocations are named: in the JSON summary, on the terminal, in the report.
    const failed = lines.map((line) => JSON.parse(line) as { id: string; status: string; error?: { class: string; message: string } }).filter((r) => r.status === 'failed');
    const listed = summary.total.failures.listed;
    assert.equal(listed.length, Math.min(10, failed.length));
    assert.equal(summary.total.failures.unlisted, failed.length - listed.length);
    for (const entry of listed) {
      const record = failed.find((r) => r.id === entry.id);
      assert.ok(record, `${entry.id} failed`);
      assert.deepEqual([entry.errorClass, entry.message], [record.error!.class, record.error!.message]);
      assert.match(stdout, new RegExp(`^  map +${entry.id} +${entry.errorClass} +${entry.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
    assert.match(stdout, /^failed invocations/m);
    const csv = (await readFile(join(dir(), 'run.csv'), 'utf8')).trimEnd().split('\r\n');
    assert.equal(csv.length, 122);
    assert.match(csv[0]!, /^run_id,phase,id,status,/);

    // The report rebuilt later from the JSON lines file says the same.
    const later = await falco(['report', 'run.jsonl', '-o', 'later.html', '--pricing', 'lambda'], dir());
    assert.equal(later.code, 0, later.stderr);
    // The same summary, from the file; only how the run ended is not in the records.
    assert.equal(later.stdout, stdout.replace(/^the run failed: .*\n/m, ''), 'the same summary, from the file');
    const live = await readFile(join(dir(), 'run.html'), 'utf8');
    const rebuilt = await readFile(join(dir(), 'later.html'), 'utf8');
    assert.deepEqual(totalRow(rebuilt), totalRow(live));
    assert.equal(totalRow(live).invocations, '121');
    assert.match(live, /<svg id="timeline" class="chart" [^>]*data-bars="121"/);
  });

  it('stops on Ctrl-C: in-flight invocations end aborted, records are flushed, exit 1', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'run', fixture('squares-driver'), '-p', 'simulated', '--platform-options', JSON.stringify({ latency: { distribution: 'fixed', ms: 200 } }), '-c', '4', '--records', 'stopped.jsonl'],
      { cwd: dir(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes('map: 120 invocations')) setTimeout(() => child.kill('SIGINT'), 500).unref();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    assert.equal(code, 1, stderr);
    assert.match(stderr, /falco: stopping/);
    assert.match(stderr, /the run failed: AbortedError/);
    const records = (await readFile(join(dir(), 'stopped.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string });
    assert.equal(records.length, 120, 'every map invocation has its final record; reduce never started');
    assert.ok(records.some((r) => r.status === 'succeeded') && records.some((r) => r.status === 'aborted'));
    assert.match(stdout, /^map +120 +\d+ +0 +[1-9]\d* /m, 'the summary counts the aborted ones');
  });

  it('exits 0 when every invocation succeeded, and prints no progress with --quiet', async () => {
    const { code, stdout, stderr } = await falco(['run', fixture('squares-driver'), '-p', 'simulated', '--platform-options', CLEAN, '--quiet', '-e', 'async'], dir());
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.match(stdout, /^map +120 +120 +0 +0 /m);
  });

  it('runs the named Driver export of a module on the local platform (the default)', async () => {
    const { code, stdout, stderr } = await falco(['run', fixture('named-driver'), '--records', 'local.jsonl', '-q'], dir());
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^main +8 +8 +0 +0 +0 +[1-8] /m, 'eight words, at least one cold start');
    const records = (await readFile(join(dir(), 'local.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { input: { word: string }; output: { word: string }; platform: string; attempts: { coldStart?: boolean; durationMs?: number }[] });
    assert.equal(records.length, 8);
    for (const record of records) {
      assert.equal(record.output.word, record.input.word.toUpperCase(), 'the function really ran');
      assert.equal(record.platform, 'local');
      assert.equal(typeof record.attempts[0]!.durationMs, 'number');
    }
    assert.ok(records.some((r) => r.attempts[0]!.coldStart === true));
  });

  it('says clearly what is wrong: a missing module, a module with no Driver, unknown flags and values', async () => {
    const missing = await falco(['run', 'nowhere.js'], dir());
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /driver module "nowhere\.js" not found \(looked for .*nowhere\.js\)/);

    const empty = await falco(['run', fixture('no-driver')], dir());
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /exports no Driver: export a subclass of falco's Driver .*; it exports answer, default/);

    const flag = await falco(['run', fixture('squares-driver'), '--bogus'], dir());
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option '--bogus'/);

    const platform = await falco(['run', fixture('squares-driver'), '--platform', 'azure'], dir());
    assert.equal(platform.code, 2);
    assert.match(platform.stderr, /argument 'azure' is invalid\. Allowed choices are local, simulated, openwhisk, lambda, gcf/);

    const records = await falco(['run', fixture('squares-driver'), '-p', 'simulated', '--records', 'run.txt'], dir());
    assert.equal(records.code, 2);
    assert.match(records.stderr, /records file "run\.txt": the extension must be \.jsonl .* or \.csv/);

    const folder = await falco(['run', fixture('squares-driver'), '-p', 'simulated', '--report', 'no/such/folder/run.html'], dir());
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /cannot write "no\/such\/folder\/run\.html": the folder .* does not exist/);

    const json = await falco(['run', fixture('squares-driver'), '-p', 'simulated', '--platform-options', '{oops'], dir());
    assert.equal(json.code, 2);
    assert.match(json.stderr, /--platform-options <json>' argument '\{oops' is invalid\. not JSON/);

    const options = await falco(['run', fixture('squares-driver'), '-p', 'simulated', '--platform-options', '{"seeed":1}'], dir());
    assert.equal(options.code, 2);
    assert.match(options.stderr, /seeed/);

    const report = await falco(['report', 'absent.jsonl', '-o', 'x.html'], dir());
    assert.equal(report.code, 2);
    assert.match(report.stderr, /records file "absent\.jsonl" not found/);

    const folderAsRecords = await falco(['report', '.', '-o', 'x.html'], dir());
    assert.equal(folderAsRecords.code, 2);
    assert.match(folderAsRecords.stderr, /records file "\." is not a file: name the \.jsonl file/);

    const output = await falco(['report', 'absent.jsonl'], dir());
    assert.equal(output.code, 2);
    assert.match(output.stderr, /required option '-o, --output <file>' not specified/);

    const command = await falco(['deploy'], dir());
    assert.equal(command.code, 2);
    assert.match(command.stderr, /unknown command 'deploy'/);
  });

  it('has --help for each command', async () => {
    const top = await falco(['--help'], dir());
    assert.equal(top.code, 0);
    assert.match(top.stdout, /run \[options\] <driver-module>/);
    assert.match(top.stdout, /report \[options\] <records>/);
    assert.match(top.stdout, /cleanup \[options\]/);
    const run = await falco(['run', '--help'], dir());
    assert.equal(run.code, 0);
    for (const flag of ['--platform', '--executor', '--concurrency', '--records', '--report', '--run-id', '--quiet', '--host', '--token', '--endpoint', '--region', '--project']) {
      assert.ok(run.stdout.includes(flag), `run --help mentions ${flag}`);
    }
    const report = await falco(['report', '--help'], dir());
    assert.match(report.stdout, /-o, --output <file>/);
    const cleanup = await falco(['cleanup', '--help'], dir());
    assert.match(cleanup.stdout, /-p, --platform <name>/);
  });

  it('--version prints the version in package.json', async () => {
    const { version } = JSON.parse(await readFile(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string };
    const { code, stdout } = await falco(['--version'], dir());
    assert.equal(code, 0);
    assert.equal(stdout.trim(), version);
  });

  it('runs the simulated platform with a handler module named in --platform-options, resolved from the working directory', async () => {
    const handler = relative(dir(), cliFixture('square-handler'));
    const options = JSON.stringify({ latency: { distribution: 'fixed', ms: 1 }, handler });
    const { code, stderr } = await falco(['run', fixture('squares-driver'), '-p', 'simulated', '--platform-options', options, '--records', 'handled.jsonl', '-q'], dir());
    assert.equal(code, 0, stderr);
    const records = (await readFile(join(dir(), 'handled.jsonl'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as { id: string; output: unknown });
    assert.deepEqual(records.find((r) => r.id === 'n7')!.output, { n: 7, square: 49 }, 'the handler ran instead of the echo');
    assert.deepEqual(records.find((r) => r.id === 'count')!.output, { count: 120 });

    const missing = await falco(['run', fixture('squares-driver'), '-p', 'simulated', '--platform-options', '{"handler":"./nowhere.js"}', '-q'], dir());
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--platform-options: the handler module "\.\/nowhere\.js" not found/);
    const notAFunction = await falco(['run', fixture('squares-driver'), '-p', 'simulated', '--platform-options', JSON.stringify({ handler: relative(dir(), fixture('no-driver')) }), '-q'], dir());
    assert.equal(notAFunction.code, 2);
    assert.match(notAFunction.stderr, /exports no function: export the handler \(input => output\) as its default export or as main/);
  });

  it('cleanup has nothing to do on the simulated platform, and needs --platform', async () => {
    const simulated = await falco(['cleanup', '--platform', 'simulated'], dir());
    assert.equal(simulated.code, 0);
    assert.match(simulated.stdout, /nothing to clean up: simulated deployments end with the process/);
    const none = await falco(['cleanup'], dir());
    assert.equal(none.code, 2);
    assert.match(none.stderr, /falco cleanup needs the platform to clean up: give --platform <name> \(or --host, which implies openwhisk\)/);
    const wrongFlag = await falco(['cleanup', '-p', 'lambda', '--host', 'https://openwhisk.example.org'], dir());
    assert.equal(wrongFlag.code, 2);
    assert.match(wrongFlag.stderr, /--host does not apply to the lambda platform/);
  });

  it('cleanup removes the functions falco left behind on OpenWhisk (against the OpenWhisk double), and only those', async () => {
    const double = await OpenWhiskDouble.start();
    try {
      const platform = new OpenWhiskPlatform({ host: double.url, token: double.token });
      try {
        const code = { source: 'function main(args) { return args; }' };
        const left = await platform.deploy(deployable({ runtime: 'nodejs:20', code, name: 'leftover' }));
        const theirs = await fetch(`${double.url}/api/v1/namespaces/_/actions/not-ours`, {
          method: 'PUT',
          headers: { authorization: `Basic ${Buffer.from(double.token).toString('base64')}`, 'content-type': 'application/json' },
          body: JSON.stringify({ exec: { kind: 'nodejs:20', code: code.source } }),
        });
        assert.equal(theirs.status, 200);
        const { code: exit, stdout, stderr } = await falco(['cleanup', '--platform', 'openwhisk', '--host', double.url, '--token', double.token], dir());
        assert.equal(exit, 0, stderr);
        assert.equal(stdout, `removed 1 leftover deployment on openwhisk:\n  ${left.name}\n`);
        assert.equal(await platform.fetchDeployment(left.name), undefined);
        const kept = await fetch(`${double.url}/api/v1/namespaces/_/actions/not-ours`, {
          headers: { authorization: `Basic ${Buffer.from(double.token).toString('base64')}` },
        });
        assert.equal(kept.status, 200, 'a function falco did not deploy stays');
        const again = await falco(['cleanup', '-p', 'openwhisk', '--host', double.url, '--token', double.token], dir());
        assert.equal(again.stdout, 'no leftover falco deployments on openwhisk\n');

        // As with `falco run`, --host alone means OpenWhisk.
        const another = await platform.deploy(deployable({ runtime: 'nodejs:20', code, name: 'another' }));
        const implied = await falco(['cleanup', '--host', double.url, '--token', double.token], dir());
        assert.equal(implied.code, 0, implied.stderr);
        assert.equal(implied.stdout, `removed 1 leftover deployment on openwhisk:\n  ${another.name}\n`);
      } finally {
        await platform.close();
      }
    } finally {
      await double.stop();
    }
  });
});
