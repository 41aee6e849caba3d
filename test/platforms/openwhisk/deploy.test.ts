import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import yauzl from 'yauzl';
import { ConfigError, deployable, DeploymentError, TimeoutError, type Deployable } from '../../../src/index.js';
import { call, cleanupOpenWhisk, nodeAction, OpenWhiskPlatform, withDouble } from './helpers.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { zipOf } from '../../helpers/zip.js';

async function zipEntries(base64: string): Promise<Map<string, string>> {
  const zip = await yauzl.fromBufferPromise(Buffer.from(base64, 'base64'), { lazyEntries: true });
  const entries = new Map<string, string>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    entries.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
  }
  return entries;
}

describe('OpenWhiskPlatform deploy', () => {
  const dir = suiteTempDir('falco-ow-deploy-');

  it('creates an inline action with its kind, limits, default parameters and environment', async () => {
    await withDouble(
      async (double, platform) => {
        const deployment = await platform.deploy(
          nodeAction({ memoryMB: 128, timeoutMs: 30_000, params: { greeting: 'hi' }, env: { MODE: 'test' }, idempotent: false }),
        );
        assert.match(deployment.name, /^falco-echo-[0-9a-f]{8}$/);
        const action = double.actions.get(deployment.name);
        assert.ok(action, 'the action is stored under the deployment name');
        assert.equal(action.exec.kind, 'nodejs:20');
        assert.equal(action.exec.binary, false);
        assert.equal(action.exec.main, 'main');
        assert.match(action.exec.code, /return \{ echo: args \}/);
        assert.deepEqual({ memory: action.limits.memory, timeout: action.limits.timeout, concurrency: action.limits.concurrency }, { memory: 128, timeout: 30_000, concurrency: 4 });
        assert.deepEqual(action.parameters, [{ key: 'greeting', value: 'hi' }, { key: 'MODE', value: 'test', init: true }]);
        const put = double.requests.find((r) => r.method === 'PUT');
        assert.equal(put?.query.overwrite, 'true');

        const result = await platform.invoke(deployment, { name: 'x' }, call());
        assert.deepEqual(result.output, { echo: { greeting: 'hi', name: 'x' } }, 'default parameters merge under the input');
      },
      { platform: { actionConcurrency: 4 } },
    );
  });

  it('sends a directory, or a ready zip, as a zip (exec.binary) that starts at its entry file', async () => {
    const code = join(dir(), 'node-app');
    await mkdir(code);
    await writeFile(join(code, 'handler.js'), "const { shout } = require('./lib.js');\nexports.main = (args) => ({ text: shout(args.text) });\n");
    await writeFile(join(code, 'lib.js'), 'exports.shout = (s) => s.toUpperCase();\n');
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { dir: code }, entryFile: 'handler.js', name: 'zipped' }));
      const action = double.actions.get(deployment.name)!;
      assert.equal(action.exec.binary, true);
      const entries = await zipEntries(action.exec.code);
      assert.deepEqual([...entries.keys()].sort(), ['handler.js', 'lib.js', 'package.json']);
      assert.deepEqual(JSON.parse(entries.get('package.json')!), { main: 'handler.js' });
      const result = await platform.invoke(deployment, { text: 'quiet' }, call());
      assert.deepEqual(result.output, { text: 'QUIET' });

      const ready = Buffer.from(action.exec.code, 'base64');
      const fromZip = await platform.deploy(deployable({ runtime: 'nodejs:20', code: { zip: ready }, name: 'readyzip' }));
      assert.equal(double.actions.get(fromZip.name)?.exec.code, ready.toString('base64'), 'a ready zip is sent as it is');
      assert.deepEqual((await platform.invoke(fromZip, { text: 'again' }, call())).output, { text: 'AGAIN' });
    });
  });

  it('runs a zipped python:3 action from its __main__.py', async () => {
    const code = join(dir(), 'py-app');
    await mkdir(code);
    await writeFile(join(code, '__main__.py'), 'from helper import triple\n\ndef main(args):\n    return {"tripled": triple(args["n"])}\n');
    await writeFile(join(code, 'helper.py'), 'def triple(n):\n    return 3 * n\n');
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(deployable({ runtime: 'python:3', code: { dir: code }, name: 'pyzip' }));
      assert.equal(double.actions.get(deployment.name)?.exec.kind, 'python:3');
      assert.equal(double.actions.get(deployment.name)?.exec.binary, true);
      const result = await platform.invoke(deployment, { n: 14 }, call());
      assert.deepEqual(result.output, { tripled: 42 });
    });
  });

  it("starts a { zip } at the entry file named, and refuses one without it before any request", async () => {
    const zip = await zipOf({ 'job.py': 'from pkg.util import twice\n\ndef main(args):\n    return {"twice": twice(args["n"])}\n', 'pkg/__init__.py': '', 'pkg/util.py': 'def twice(n):\n    return 2 * n\n' });
    await withDouble(async (double, platform) => {
      const deployment = await platform.deploy(deployable({ runtime: 'python:3', code: { zip }, entryFile: 'job.py', name: 'pyjob' }));
      const entries = await zipEntries(double.actions.get(deployment.name)!.exec.code);
      assert.equal(entries.get('__main__.py'), 'from job import main\n');
      assert.deepEqual((await platform.invoke(deployment, { n: 21 }, call())).output, { twice: 42 });

      const requests = double.requests.length;
      await assert.rejects(platform.deploy(deployable({ runtime: 'python:3', code: { zip }, name: 'nomain' })), (error: unknown) => {
        assert.ok(error instanceof DeploymentError, String(error));
        assert.match(error.message, /the function's zip has no __main__\.py/);
        return true;
      });
      assert.equal(double.requests.length, requests);
    });
  });

  it('refuses a runtime OpenWhisk has no kind for, before any request', async () => {
    await withDouble(async (double, platform) => {
      const ruby: Deployable = { ...nodeAction(), runtime: 'ruby:3.3' };
      await assert.rejects(platform.deploy(ruby), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /unknown runtime "ruby:3\.3"/);
        return true;
      });
      assert.equal(double.requests.length, 0);
    });
  });

  it('reports limits the server refuses as a DeploymentError with the server\'s reason', async () => {
    await withDouble(async (double, platform) => {
      await assert.rejects(platform.deploy(nodeAction({ memoryMB: 64 })), (error: unknown) => {
        assert.ok(error instanceof DeploymentError);
        assert.match(error.message, /HTTP 400.*memory 64 MB below allowed threshold of 128 MB/);
        return true;
      });
      assert.equal(double.actions.size, 0);
    });
  });

  it('removes an action a failed deploy may have created (the gateway gave up after the server acted)', async () => {
    await withDouble(async (double, platform) => {
      double.inject({ type: 'status', status: 504, on: 'deploy', afterServing: true });
      await assert.rejects(platform.deploy(nodeAction()), TimeoutError);
      const [put] = double.requests.filter((r) => r.method === 'PUT');
      assert.ok(double.requests.some((r) => r.method === 'DELETE' && r.path === put?.path), 'the half-made action was deleted');
      assert.equal(double.actions.size, 0);
    });
  });

  it('finds an existing action again with fetchDeployment', async () => {
    await withDouble(async (_double, platform) => {
      const deployed = await platform.deploy(
        deployable({ runtime: 'python:3', code: { source: 'def main(args):\n    return args\n' }, name: 'again', memoryMB: 256, timeoutMs: 5_000, idempotent: false }),
      );
      const fetched = await platform.fetchDeployment(deployed.name);
      assert.deepEqual(fetched, deployed);
      assert.equal(await platform.fetchDeployment('falco-none-00000000'), undefined);
    });
  });

  it('cleans up every leftover falco action across list pages, and nothing else', async () => {
    await withDouble(async (double, platform) => {
      const put = (name: string): Promise<Response> =>
        fetch(`${double.url}/api/v1/namespaces/_/actions/${name}`, {
          method: 'PUT',
          headers: { authorization: `Basic ${Buffer.from(double.token).toString('base64')}`, 'content-type': 'application/json' },
          body: JSON.stringify({ exec: { kind: 'nodejs:20', code: 'function main() { return {}; }' } }),
        });
      for (let i = 0; i < 205; i++) assert.equal((await put(`falco-left-${i.toString(16).padStart(8, '0')}`)).status, 200);
      assert.equal((await put('users-own-action')).status, 200);
      const ours = await platform.deploy(nodeAction());

      const { removed, failed } = await cleanupOpenWhisk({ host: double.url, token: double.token });
      assert.equal(removed.length, 206);
      assert.deepEqual(failed, []);
      assert.ok(removed.includes(ours.name));
      assert.deepEqual([...double.actions.keys()], ['users-own-action']);
      assert.ok(double.requests.some((r) => r.method === 'GET' && r.query.skip === '200'), 'the list was read page by page');
    });
  });

  it('rejects options it does not know, naming them', () => {
    assert.throws(() => new OpenWhiskPlatform({ hots: 'x' } as never), (error: unknown) => error instanceof ConfigError && /hots/.test(error.message));
  });
});
