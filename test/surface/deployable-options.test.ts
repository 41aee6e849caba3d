import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, deployable, type DeployableOptions } from '../../src/index.js';

function problemOf(options: unknown): string {
  try {
    deployable(options as DeployableOptions);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('deployable() accepted the options');
}

describe('deployable() checks its options without zod', () => {
  it('fills in the defaults', () => {
    assert.deepEqual(deployable({ runtime: 'nodejs:20', code: { source: 'x' } }), {
      runtime: 'nodejs:20',
      code: { source: 'x' },
      entryPoint: 'main',
      memoryMB: 256,
      timeoutMs: 60_000,
      name: 'fn',
      params: {},
      env: {},
      idempotent: true,
    });
    const full = deployable({ runtime: 'python:3', code: { dir: 'fn' }, entryFile: 'app.py', maxInstances: 2, memoryMB: 512, params: { k: 1 }, env: { A: 'b' }, idempotent: false });
    assert.equal(full.entryFile, 'app.py');
    assert.equal(full.maxInstances, 2);
    assert.equal(full.idempotent, false);
  });

  it('names every wrong option, what it needs and what it got', () => {
    assert.equal(
      problemOf({ runtime: 'nodejs:20', code: { source: 'x' }, name: 'Bad', entryPoint: '1x', maxInstances: 0, idempotent: 'y', timeoutMs: 1.5, memoryMB: 20_000 }),
      'deployable: option "entryPoint": must be an identifier such as "main" (got "1x"); option "memoryMB": must be at most 10240 (got 20000); ' +
        'option "timeoutMs": must be a positive number of milliseconds (got 1.5); option "name": must be 1-40 lower-case letters, digits or dashes (got "Bad"); ' +
        'option "maxInstances": must be a positive integer (got 0); option "idempotent": must be true or false (got "y")',
    );
    assert.match(problemOf({ runtime: 'nodejs:20', code: { source: 'x' }, memoryMB: 8 }), /option "memoryMB": must be at least 64 \(got 8\)/);
    assert.match(problemOf({ runtime: 'nodejs:20', code: { source: 'x' }, env: { A: 1 } }), /option "env.A": must be a string \(got 1\)/);
    assert.match(problemOf({ runtime: 'nodejs:20', code: { source: 'x' }, params: [] }), /option "params": must be an object/);
  });

  it('wants exactly one kind of code, and no option it does not know', () => {
    assert.match(problemOf({ runtime: 'nodejs:20', code: { source: 'x', file: 'y' } }), /option "code": must be one of \{ source \}, \{ file \}, \{ dir \} or \{ zip \}/);
    assert.match(problemOf({ runtime: 'nodejs:20', code: { source: '' } }), /option "code.source": must not be empty/);
    assert.match(problemOf({ runtime: 'nodejs:20', code: { zip: 'PK' } }), /option "code.zip": must be a Uint8Array \(got "PK"\)/);
    assert.match(problemOf({ runtime: 'nodejs:20', code: { source: 'x' }, memory: 512 }), /option "memory": is not an option of deployable \(its options are runtime, code, entryPoint/);
    assert.match(problemOf({ code: { source: 'x' } }), /option "runtime": is required/);
    assert.match(problemOf(null), /deployable: options: must be an object/);
  });
});
