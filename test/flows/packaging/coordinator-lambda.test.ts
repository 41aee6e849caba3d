import { GetFunctionCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { createClient } from '@redis/client';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, join, parse } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createRun, functionWake, readRun, runCoordinatorOnce, TriggerService, Workspaces, type AnyWorkflow } from '../../../flows/index.js';
import { packageCoordinator } from '../../../flows/packaging/index.js';
import { unzipFiles, unzipTo } from '../../../platforms/shared/unzip.js';
import { openStore, openWorkflowLog } from '../../../stores/index.js';
import { DEFAULT_MOTO_ENV, FAKE_CREDENTIALS, startMoto } from '../../doubles/moto.js';
import { falco, serveCli } from '../../helpers/falco-cli.js';
import { redisUnavailable, startRedis, type RedisServer } from '../../helpers/redis-server.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { MotoEnv, REGION } from '../../platforms/lambda/moto-env.js';
import { allEvents, eventually } from '../stream-reading.js';
import { writeTree } from './tree.js';

const run = promisify(execFile);
const FALCO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SECRET = 's3cret-never-in-the-zip';
const RUN = 'packaged-1';

/** A user's project: falco installed (linked, as `npm link` does), a package of its own, and a workflow that waits for an event. */
async function writeProject(dir: string): Promise<string> {
  await writeTree(dir, {
    'package.json': { name: 'my-workflows', type: 'module' },
    'workflows.js':
      "import { defineWorkflow } from 'falco/flows';\nimport greet from 'greeting';\n\n" +
      "export default defineWorkflow('greeter', async (ctx, input) => {\n  const go = await ctx.waitForEvent({ type: 'go' });\n  return `${greet(go.data.name)}${process.env.GREETING_END} (${input.from})`;\n});\n",
    'node_modules/greeting/package.json': { name: 'greeting', main: 'greet.js' },
    'node_modules/greeting/greet.js': "module.exports = (name) => `hello ${name}`;\n",
  });
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  await symlink(FALCO_ROOT, join(dir, 'node_modules/falco'));
  return join(dir, 'workflows.js');
}

/**
 * The zip moto was given for a function, from moto's own recording of the requests it served
 * (with a ZipFile upload its GetFunction has no Code.Location, and its data.json fails without Docker).
 */
async function motoZip(endpoint: string, name: string): Promise<Buffer> {
  const recording = await (await fetch(`${endpoint}/moto-api/recorder/download-recording`)).text();
  const creates = recording
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { method: string; url: string; body: string; body_encoded: boolean })
    .filter(({ method, url }) => method === 'POST' && new URL(url).pathname === '/2015-03-31/functions')
    .map(({ body, body_encoded }) => JSON.parse(body_encoded ? Buffer.from(body, 'base64').toString('utf8') : body) as { FunctionName: string; Code: { ZipFile: string } });
  const created = creates.find(({ FunctionName }) => FunctionName === name);
  assert.ok(created, `moto recorded the creation of ${name}`);
  return Buffer.from(created.Code.ZipFile, 'base64');
}

/** Runs the function's handler as Lambda would, with only the function's environment, outside any node_modules of this repo. */
async function invokeUnzipped(fnDir: string, cwd: string, env: Readonly<Record<string, string>>, input: unknown): Promise<unknown> {
  const script = [
    "await import('falco').then(() => { throw new Error('falco resolves from outside the function'); }, (error) => { if (error.code !== 'ERR_MODULE_NOT_FOUND') throw error; });",
    'const { handler } = await import(process.argv[1]);',
    'process.stdout.write(JSON.stringify(await handler(JSON.parse(process.argv[2]))));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(join(fnDir, 'falco_handler.mjs')).href, JSON.stringify(input)], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin', HOME: cwd, NODE_PATH: cwd, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

describe('the coordinator packaged for a cloud, deployed to Lambda (moto), run from the zip moto was given', { skip: redisUnavailable() }, () => {
  const dir = suiteTempDir('falco-packaged-');
  let redis: RedisServer;
  let moto: MotoEnv;
  before(async () => {
    const recording = join(dir(), 'moto-recording');
    [redis, moto] = await Promise.all([startRedis(), startMoto({ env: { ...DEFAULT_MOTO_ENV, MOTO_RECORDER_FILEPATH: recording } }).then((server) => new MotoEnv(server))]);
    await fetch(`${moto.moto.endpoint}/moto-api/recorder/start-recording`, { method: 'POST' }).then((response) => response.arrayBuffer());
    const client = createClient({ url: redis.url });
    await client.connect();
    await client.sendCommand(['CONFIG', 'SET', 'requirepass', SECRET]);
    client.destroy();
  });
  after(async () => {
    await moto?.close();
    await moto?.moto.stop();
    await redis?.stop();
  });

  it('a run suspended on an event is woken through the function and proceeds to its end; the store URL is only in the environment; the function is removed', async () => {
    const store = `redis://:${SECRET}@127.0.0.1:${redis.port}`;
    const module = await writeProject(join(dir(), 'project'));
    const packaged = await packageCoordinator(store, { module, env: { GREETING_END: '!' } });
    for (const file of ['main.mjs', 'node_modules/falco/package.json', 'node_modules/greeting/greet.js', 'node_modules/zod/package.json', 'node_modules/@redis/client/package.json', 'workflow/workflows.js', 'workflow/package.json']) {
      assert.ok(packaged.files.includes(file), `the zip has ${file}`);
    }
    assert.deepEqual(packaged.warnings.filter((warning) => !warning.includes('@node-rs/xxhash')), []);
    assert.equal(packaged.deployable.env.FALCO_COORDINATOR_MODULE, 'workflow/workflows.js');

    const platform = moto.platform();
    const deployment = await platform.deploy(packaged.deployable);
    const { Configuration } = await moto.lambda.send(new GetFunctionCommand({ FunctionName: deployment.name }));
    const env = Configuration?.Environment?.Variables ?? {};
    assert.deepEqual(env, { GREETING_END: '!', FALCO_COORDINATOR_STORE: store, FALCO_COORDINATOR_MODULE: 'workflow/workflows.js' });
    const zip = await motoZip(moto.moto.endpoint, deployment.name);
    assert.equal(createHash('sha256').update(zip).digest('base64'), Configuration?.CodeSha256);

    const fnDir = join(dir(), 'function');
    const elsewhere = join(dir(), 'elsewhere');
    await mkdir(elsewhere, { recursive: true });
    await unzipTo(zip, fnDir);
    for (let up = dirname(fnDir); up !== parse(up).root; up = dirname(up)) assert.ok(!existsSync(join(up, 'node_modules')), `no node_modules above the function, at ${up}`);
    for (const [path, content] of await unzipFiles(zip)) assert.ok(!content.includes(SECRET), `${path} holds no secret`);

    // The run starts as `falco workflow run MODULE --coordinator function` starts it, and suspends on its event.
    const workflows = await openStore(store);
    const log = await openWorkflowLog(store);
    const workflow = ((await import(pathToFileURL(module).href)) as { default: AnyWorkflow }).default;
    await createRun(log, RUN, { kind: 'started', workflow: 'greeter', input: { from: 'moto' }, module });
    assert.equal(await runCoordinatorOnce({ store: workflows, log, workflow, runId: RUN, wake: functionWake(RUN) }), 'suspended');
    const service = await TriggerService.start({ store: workflows, workspace: RUN });
    try {
      await new Workspaces(workflows).publish(RUN, [{ id: 'go-1', source: 'test', type: 'go', data: { name: 'lambda' } }]);
      let wake: unknown;
      await eventually(async () => {
        wake = (await allEvents(workflows.commands(RUN))).find((command) => command.subject?.startsWith(`${RUN}/wake/`))?.data;
        return wake !== undefined;
      }, 'the wake invokes the coordinator function');
      const command = wake as { deployment?: string; input?: unknown };
      assert.deepEqual(command.input, { run: RUN });
      assert.deepEqual(await invokeUnzipped(fnDir, elsewhere, env, command.input), { run: RUN, status: 'succeeded' });
      const { at, ...finished } = (await readRun(log, RUN)).finished ?? {};
      assert.deepEqual(finished, { kind: 'finished', ok: true, output: 'hello lambda! (moto)' });
      assert.equal(typeof at, 'number', 'the log keeps when the run finished');
    } finally {
      await service.stop();
      await log.close();
      await workflows.close();
      // Removed even when an assertion failed, so the next test finds no function of this one in moto.
      await platform.remove(deployment);
    }

    await assert.rejects(moto.lambda.send(new GetFunctionCommand({ FunctionName: deployment.name })), { name: 'ResourceNotFoundException' });
    assert.deepEqual((await moto.lambda.send(new ListFunctionsCommand({}))).Functions ?? [], []);
  });

  it('falco triggers serve --coordinator-module deploys the packaged coordinator to Lambda on the first wake, and removes it when it stops', async () => {
    const store = `redis://:${SECRET}@127.0.0.1:${redis.port}`;
    const module = await writeProject(join(dir(), 'cli-project'));
    const cwd = join(dir(), 'cli-cwd');
    await mkdir(cwd, { recursive: true });
    const started = await falco(['workflow', 'run', module, '--id', 'packaged-2', '--input', '{"from":"cli"}', '--coordinator', 'function', '--store', store], cwd);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /the coordinator suspended/);
    const aws = { AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey, GREETING_END: '?' };
    const connection = ['--platform', 'lambda', '--endpoint', moto.moto.endpoint, '--region', REGION];
    const served = await serveCli(['triggers', 'serve', 'packaged-2', '--port', '0', '--store', store, ...connection, '--coordinator-module', module, '--coordinator-env', 'GREETING_END'], cwd, /serving workspace \S+ on (http:\S+)/, aws);
    try {
      const posted = await fetch(served.url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id: 'go-2', source: 'test', type: 'go', data: { name: 'cli' } }) });
      assert.equal(posted.status, 202);
      let variables: Record<string, string> | undefined;
      await eventually(async () => {
        variables = (await moto.lambda.send(new ListFunctionsCommand({}))).Functions?.[0]?.Environment?.Variables;
        return variables !== undefined;
      }, 'the wake deploys the coordinator function');
      assert.deepEqual(variables, { GREETING_END: '?', FALCO_COORDINATOR_STORE: store, FALCO_COORDINATOR_MODULE: 'workflow/workflows.js' });
    } finally {
      served.child.kill('SIGTERM');
      assert.equal(await served.exited, 0);
    }
    assert.deepEqual((await moto.lambda.send(new ListFunctionsCommand({}))).Functions ?? [], []);
  });
});
