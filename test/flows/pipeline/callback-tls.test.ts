import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pipeline, PipelineFailedError } from '../../../flows/index.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { suiteLocalPlatform } from './local-platform.js';

const opensslMissing = spawnSync('openssl', ['version']).status === 0 ? undefined : 'no openssl on this machine to make a certificate';

describe('https callbacks verify TLS', { skip: opensslMissing }, () => {
  const dir = suiteTempDir('falco-callback-tls-');
  const platform = suiteLocalPlatform();

  it('a callback to a server with a self-signed certificate fails the step, and the server never gets the data', async () => {
    const [key, cert] = [join(dir(), 'key.pem'), join(dir(), 'cert.pem')];
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    let received = 0;
    const server = createServer({ key: await readFile(key), cert: await readFile(cert) }, (_request, response) => {
      received++;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/result`;
      const p = pipeline('tls').modify(() => ({ done: true })).callback(url, { headers: { authorization: 'Bearer tls-s3cret-token' } });
      await assert.rejects(p.run(null, { platform: platform() }), (error: Error) => {
        assert.ok(error instanceof PipelineFailedError);
        assert.match(error.message, /callback to https:\/\/127\.0\.0\.1:\d+\/result failed: .*certificate is not trusted: TLS is always verified/);
        assert.ok(!error.message.includes('tls-s3cret-token'));
        return true;
      });
      assert.equal(received, 0);
    } finally {
      server.close();
    }
  });
});
