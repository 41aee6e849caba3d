import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { LambdaPlatform } from '../../../platforms/lambda/index.js';
import { parseLambdaOptions } from '../../../platforms/lambda/options.js';
import { ConfigError } from '../../../src/index.js';
import { FAKE_CREDENTIALS } from '../../doubles/moto.js';

const SECRET = FAKE_CREDENTIALS.secretAccessKey;

describe('lambda options', () => {
  it('fills the defaults', () => {
    const options = parseLambdaOptions({});
    assert.equal(options.architecture, 'x86_64');
    assert.equal(options.logTail, false);
    assert.equal(options.maxSockets, 1000);
    assert.equal(options.roleName, 'falco-lambda-execution');
    assert.equal(options.roleArn, undefined);
  });

  it('names each wrong option', () => {
    assert.throws(
      () => new LambdaPlatform({ architecture: 'sparc' as 'arm64', maxSockets: 0, endpoint: 'ftp://x', roleArn: 'admin' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of ['architecture', 'maxSockets', 'endpoint', 'roleArn']) assert.match(error.message, new RegExp(`"${name}"`));
        return true;
      },
    );
    assert.throws(() => new LambdaPlatform({ unknown: 1 } as never), /unknown/i);
  });

  it('never quotes the secret key when the credentials are wrong', () => {
    const cases = [
      { credentials: { accessKeyId: '', secretAccessKey: SECRET } },
      { credentials: { accessKeyId: FAKE_CREDENTIALS.accessKeyId, secretKey: SECRET } },
      { credentials: { secretAccessKey: SECRET } },
      { credentials: { accessKeyId: 5, secretAccessKey: SECRET }, region: 7 },
    ];
    for (const options of cases) {
      assert.throws(() => new LambdaPlatform(options as never), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /credentials/);
        assert.ok(!error.message.includes(SECRET), error.message);
        return true;
      });
    }
  });

  it('keeps the secret key out of the platform when it is inspected', async () => {
    const platform = new LambdaPlatform({ region: 'us-east-1', credentials: FAKE_CREDENTIALS });
    try {
      assert.ok(!inspect(platform, { depth: 10, showHidden: true }).includes(SECRET));
      assert.ok(!JSON.stringify(platform).includes(SECRET));
    } finally {
      await platform.close();
    }
  });
});
