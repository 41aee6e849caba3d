import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ConfigError, FatalError } from '../../../src/index.js';
import { call, closedPort, nodeAction, OpenWhiskDouble, OpenWhiskPlatform, withDouble, withEnv } from './helpers.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';

/** No connection settings from the environment unless a test sets them. */
const CLEAN_ENV = { __OW_API_HOST: undefined, __OW_API_KEY: undefined, __OW_NAMESPACE: undefined, __OW_IGNORE_CERTS: undefined, WSK_CONFIG_FILE: undefined };

async function deploysAndRuns(platform: OpenWhiskPlatform): Promise<void> {
  const deployment = await platform.deploy(nodeAction());
  assert.deepEqual((await platform.invoke(deployment, { ok: true }, call())).output, { echo: { ok: true } });
}

describe('OpenWhiskPlatform connection settings', () => {
  const dir = suiteTempDir('falco-ow-conn-');

  it('takes host, token and namespace from __OW_API_HOST, __OW_API_KEY and __OW_NAMESPACE', async () => {
    await withDouble(async (double) => {
      await withEnv({ ...CLEAN_ENV, __OW_API_HOST: double.url, __OW_API_KEY: double.token, __OW_NAMESPACE: double.namespace }, async () => {
        const platform = new OpenWhiskPlatform();
        try {
          await deploysAndRuns(platform);
        } finally {
          await platform.close();
        }
      });
      assert.ok(double.requests.every((r) => r.path.startsWith(`/api/v1/namespaces/${double.namespace}/`)));
    });
  });

  it('reads APIHOST, AUTH and NAMESPACE from a .wskprops file (the path option, or WSK_CONFIG_FILE)', async () => {
    await withDouble(async (double) => {
      const file = join(dir(), 'wskprops');
      await writeFile(file, `# written by a test\nAPIHOST=${double.url}\nAUTH=${double.token}\nNAMESPACE=${double.namespace}\n`);
      await withEnv(CLEAN_ENV, async () => {
        const fromOption = new OpenWhiskPlatform({ wskprops: file });
        try {
          await deploysAndRuns(fromOption);
        } finally {
          await fromOption.close();
        }
      });
      await withEnv({ ...CLEAN_ENV, WSK_CONFIG_FILE: file }, async () => {
        const fromEnv = new OpenWhiskPlatform();
        try {
          await deploysAndRuns(fromEnv);
        } finally {
          await fromEnv.close();
        }
      });
    });
  });

  it('prefers options to the environment, and the environment to the file', async () => {
    await withDouble(async (double) => {
      const file = join(dir(), 'stale-wskprops');
      await writeFile(file, `APIHOST=http://127.0.0.1:${await closedPort()}\nAUTH=stale:token\n`);
      await withEnv({ ...CLEAN_ENV, __OW_API_HOST: `http://127.0.0.1:${await closedPort()}`, __OW_API_KEY: double.token }, async () => {
        const platform = new OpenWhiskPlatform({ host: double.url, wskprops: file });
        try {
          await deploysAndRuns(platform);
        } finally {
          await platform.close();
        }
      });
    });
  });

  it('says where to put the settings when there are none, and names a wskprops file it cannot read', async () => {
    await withEnv({ ...CLEAN_ENV, WSK_CONFIG_FILE: join(dir(), 'absent') }, async () => {
      const platform = new OpenWhiskPlatform();
      await assert.rejects(platform.deploy(nodeAction()), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /no API host: pass \{ host \}, set __OW_API_HOST, or set APIHOST in .*absent/);
        return true;
      });
      await platform.close();
    });
    const explicit = new OpenWhiskPlatform({ wskprops: join(dir(), 'missing.wskprops') });
    await assert.rejects(explicit.deploy(nodeAction()), (error: unknown) => error instanceof ConfigError && /missing\.wskprops/.test(error.message));
    await explicit.close();
  });

  it('refuses a token that is not uuid:key without showing it', async () => {
    const platform = new OpenWhiskPlatform({ host: 'http://127.0.0.1:1', token: 'notAValidTokenAtAll' });
    await assert.rejects(platform.deploy(nodeAction()), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /uuid:key/);
      assert.ok(!error.message.includes('notAValidTokenAtAll'));
      return true;
    });
    await platform.close();
  });

  describe('over TLS', () => {
    let tls: { key: string; cert: string };
    let double: OpenWhiskDouble;
    before(async () => {
      const [key, cert] = [join(dir(), 'key.pem'), join(dir(), 'cert.pem')];
      await promisify(execFile)('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
      ]);
      tls = { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
      double = await OpenWhiskDouble.start({ tls });
    });
    after(async () => {
      await double?.stop();
    });

    it('verifies certificates by default: a self-signed one is refused, even with __OW_IGNORE_CERTS set', async () => {
      for (const env of [CLEAN_ENV, { ...CLEAN_ENV, __OW_IGNORE_CERTS: 'true' }]) {
        await withEnv(env, async () => {
          const platform = new OpenWhiskPlatform({ host: double.url, token: double.token });
          try {
            await assert.rejects(platform.deploy(nodeAction()), (error: unknown) => {
              assert.ok(error instanceof FatalError, String(error));
              assert.match(error.message, /TLS certificate of https:\/\/127\.0\.0\.1:\d+ was not accepted .*insecure: true/);
              return true;
            });
          } finally {
            await platform.close();
          }
        });
      }
      assert.equal(double.actions.size, 0);
    });

    it('skips verification only with insecure: true; a host without scheme means https', async () => {
      const platform = new OpenWhiskPlatform({ host: double.url.replace('https://', ''), token: double.token, insecure: true });
      try {
        await deploysAndRuns(platform);
      } finally {
        await platform.close();
      }
    });
  });
});
