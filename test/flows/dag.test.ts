import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dag, DagError, output, runDag } from '../../flows/index.js';
import { AbortedError, deployable, DeploymentError, type Platform } from '../../src/index.js';
import { MemoryWorkspaceStore } from '../../stores/index.js';
import { sleeper, suiteLocalPlatform, watched } from './dag-and-state-machine-harness.js';

const double = deployable({ runtime: 'nodejs:20', name: 'double', code: { source: 'function main({ n }) { return { n: n * 2 }; }' } });
const python = deployable({ runtime: 'python:3', name: 'inc', code: { source: "def main(args):\n    return {'n': args['n'] + 1}\n" } });

describe('runDag on the local platform', () => {
  const localPlatform = suiteLocalPlatform();

  it('runs JavaScript and Python tasks in order, removes its deployments and deletes its workspace', async () => {
    const platform = watched(localPlatform());
    const store = new MemoryWorkspaceStore();
    const chain = dag('chain')
      .task('first', { deployable: double, input: { n: 5 } })
      .task('second', { deployable: python, input: output('first') })
      .task('third', { deployable: double, input: output('second') });
    const result = await runDag(chain, { platform, store });
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.outputs, { first: { n: 10 }, second: { n: 11 }, third: { n: 22 } });
    assert.match(result.runId, /^chain-[0-9a-f]{8}$/);
    assert.equal(platform.deployed.length, 2, 'one deployment per deployable');
    assert.deepEqual([...platform.removed].sort(), [...platform.deployed].sort());
    assert.deepEqual(await store.listWorkspaces(), []);
    await store.close();
  });

  it('keeps the workspace when asked, under the run id given', async () => {
    const store = new MemoryWorkspaceStore();
    await runDag(dag('kept').task('only', { deployable: double, input: { n: 1 } }), { platform: localPlatform(), store, runId: 'kept-run', keepWorkspace: true });
    assert.deepEqual(await store.listWorkspaces(), ['kept-run']);
    assert.deepEqual(await store.listTriggers('kept-run'), [], 'every trigger ended once it had done its part');
    assert.deepEqual(await store.getGlobal('kept-run'), { input: {} });
    assert.ok((await store.events('kept-run').info()).length > 0, 'its events are there to read');
    await store.close();
  });

  it('refuses a DAG with a cycle before deploying anything', async () => {
    const platform = watched(localPlatform());
    const cyclic = dag('cyclic').task('a', { deployable: double, after: ['b'] }).task('b', { deployable: double, after: ['a'] });
    await assert.rejects(runDag(cyclic, { platform }), (error: unknown) => error instanceof DagError && /cycle: a → b → a|cycle: b → a → b/.test(error.message));
    assert.deepEqual(platform.deployed, []);
  });

  it('removes what did deploy when another function fails to deploy, and fails with that DeploymentError', async () => {
    const base = watched(localPlatform());
    let deployedOne!: () => void;
    const oneDeployed = new Promise<void>((resolve) => (deployedOne = resolve));
    const broken = deployable({ runtime: 'nodejs:20', name: 'broken', code: { source: 'function main() {}' } });
    const platform: Platform = {
      ...base,
      async deploy(function_, options) {
        if (function_ === broken) throw new DeploymentError('broken cannot deploy');
        const deployment = await base.deploy(function_, options);
        deployedOne();
        return deployment;
      },
    };
    await assert.rejects(runDag(dag('half').task('a', { deployable: double }).task('b', { deployable: broken, after: ['a'] }), { platform }), DeploymentError);
    await oneDeployed;
    assert.equal(base.deployed.length, 1);
    assert.deepEqual(base.removed, base.deployed);
  });

  it('stops when aborted: rejects with an AbortedError, and removes what it deployed', async () => {
    const controller = new AbortController();
    const platform = watched(localPlatform(), () => setImmediate(() => controller.abort()));
    const waiting = dag('waiting').task('sleep', { deployable: sleeper });
    await assert.rejects(runDag(waiting, { platform, signal: controller.signal }), AbortedError);
    assert.equal(platform.deployed.length, 1);
    assert.deepEqual(platform.removed, platform.deployed);
  });
});
