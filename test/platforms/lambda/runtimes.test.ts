import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { falcoRuntime, lambdaRuntime } from '../../../platforms/lambda/runtimes.js';
import { ConfigError } from '../../../src/index.js';

describe('lambda runtimes', () => {
  it('maps falco runtimes to Lambda runtimes', () => {
    assert.equal(lambdaRuntime('nodejs:20'), 'nodejs20.x');
    assert.equal(lambdaRuntime('nodejs:22'), 'nodejs22.x');
    assert.equal(lambdaRuntime('python:3.11'), 'python3.11');
    assert.equal(lambdaRuntime('python:3.9'), 'python3.9');
  });

  it('gives bare python:3 the newest Python', () => {
    assert.equal(lambdaRuntime('python:3'), 'python3.12');
  });

  it('rejects an unknown runtime with a ConfigError naming the known ones', () => {
    assert.throws(() => lambdaRuntime('ruby:3.3'), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /ruby:3\.3/);
      assert.match(error.message, /nodejs:20/);
      return true;
    });
    assert.throws(() => lambdaRuntime('nodejs:16'), ConfigError);
  });

  it('maps Lambda runtimes back, choosing the exact Python version', () => {
    assert.equal(falcoRuntime('nodejs20.x'), 'nodejs:20');
    assert.equal(falcoRuntime('python3.12'), 'python:3.12');
    assert.equal(falcoRuntime('java21'), undefined);
  });
});
