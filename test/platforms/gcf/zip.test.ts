import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deployable, DeploymentError } from '../../../src/index.js';
import { zipOf } from '../../helpers/zip.js';
import { suiteTestbed } from './setup.js';

const call = { invocationId: 'i', attempt: 1 };

describe('gcf: { zip } code against the v2 API double', { timeout: 120_000 }, () => {
  const { bed, platform } = suiteTestbed();

  test("a Node.js zip runs behind falco's wrapper, with its own package.json and modules", async () => {
    const zip = await zipOf({
      'package.json': JSON.stringify({ name: 'mine', main: 'src/app.js', description: 'kept' }),
      'src/app.js': 'const { twice } = require("../lib/util.js");\nexports.main = ({ n, unit }) => ({ twice: twice(n), unit });',
      'lib/util.js': 'exports.twice = (n) => 2 * n;',
    });
    const deployment = await platform().deploy(deployable({ runtime: 'nodejs:20', code: { zip }, name: 'zipnode', params: { unit: 'cm' } }));
    try {
      assert.deepEqual((await platform().invoke(deployment, { n: 21 }, call)).output, { twice: 42, unit: 'cm' });
    } finally {
      await platform().remove(deployment);
    }
  });

  test('a Python zip runs from the entry file named, with its own packages', async () => {
    const zip = await zipOf({
      'job.py': 'from pkg.util import twice\n\ndef main(args):\n    return {"twice": twice(args["n"])}\n',
      'pkg/__init__.py': '',
      'pkg/util.py': 'def twice(n):\n    return 2 * n\n',
    });
    const deployment = await platform().deploy(deployable({ runtime: 'python:3.11', code: { zip }, entryFile: 'job.py', name: 'zippy' }));
    try {
      assert.deepEqual((await platform().invoke(deployment, { n: 21 }, call)).output, { twice: 42 });
    } finally {
      await platform().remove(deployment);
    }
  });

  test('a zip without its entry file fails at deploy with a DeploymentError naming it, and nothing is created', async () => {
    const zip = await zipOf({ 'src/app.js': 'exports.main = () => ({});' });
    await assert.rejects(platform().deploy(deployable({ runtime: 'nodejs:20', code: { zip }, name: 'lacking' })), (error: unknown) => {
      assert.ok(error instanceof DeploymentError, String(error));
      assert.match(error.message, /the function's zip has no index\.js, the file that should hold main\(args\)/);
      return true;
    });
    assert.deepEqual(bed().double.functionIds(), []);
  });
});
