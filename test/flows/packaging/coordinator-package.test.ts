import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageCoordinator } from '../../../flows/packaging/index.js';
import { ConfigError } from '../../../src/errors.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';

const REDIS = 'redis://127.0.0.1:6379';

describe('packageCoordinator refuses what cannot make a coordinator for a cloud', () => {
  const dir = suiteTempDir('falco-package-coordinator-');

  it('a store the function cannot share, a module that is not there or not named, each a ConfigError saying what to do', async () => {
    await assert.rejects(packageCoordinator('file:.falco', { module: 'workflows.js' }), new ConfigError('the coordinator function cannot share the file store file:.falco: one process at a time holds it, and the process serving the run does: use a redis:// store'));
    const missing = join(dir(), 'no-such-module.js');
    await assert.rejects(packageCoordinator(REDIS, { module: missing }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, new RegExp(`^the workflow module ${missing} cannot be read: ENOENT`));
      return true;
    });
    // From JavaScript, where nothing checks the option's type.
    const options = JSON.parse('{ "module": 42 }') as { module: string };
    await assert.rejects(packageCoordinator(REDIS, options), new ConfigError('packageCoordinator needs { module: "<the file of the module that defines the workflows>" }'));
  });
});
