import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCallbackUrl } from '../../flows/pipeline/signing-callback.js';
import { redactHeaders } from '../../flows/pipeline/signing-headers.js';
import { createSigner } from '../../flows/pipeline/signing.js';
import { ConfigError } from '../../src/errors.js';
import { redactUrl } from '../../src/secrets.js';

describe('callback URLs', () => {
  it('accepts http:// and https:// URLs', () => {
    assert.equal(checkCallbackUrl('https://hooks.example.org/done?id=3').href, 'https://hooks.example.org/done?id=3');
    assert.equal(checkCallbackUrl(new URL('http://127.0.0.1:8080/cb')).port, '8080');
  });

  it('refuses every other scheme and anything not absolute, showing no credentials', () => {
    const cases: Array<[string, RegExp]> = [
      ['file:///etc/passwd', /callback URL uses the file: scheme: callbacks go to http:\/\/ or https:\/\/ URLs only/],
      ['ftp://admin:hunter2-pw@files.example.org/up?token=t0ken-value', /uses the ftp: scheme/],
      ['javascript:alert(1)', /uses the javascript: scheme/],
      ['admin:hunter2-pw@storage.io/up?token=t0ken-value', /uses the admin: scheme/],
      ['storage.io/bucket?id=3345612358265349126', /callback URL "storage\.io\/bucket" is not an absolute URL: write https:\/\/host\/path/],
      ['//admin:hunter2-pw@storage.io/up?token=t0ken-value', /callback URL "storage\.io\/up" is not an absolute URL/],
      ['', /callback URL "" is not an absolute URL/],
    ];
    for (const [url, message] of cases) {
      assert.throws(() => checkCallbackUrl(url), (error: Error) => error instanceof ConfigError && message.test(error.message) && !/hunter2-pw|t0ken-value/.test(error.message), url);
    }
  });

  it('shows a URL with its credentials and secret query values as ***', () => {
    assert.equal(redactUrl('https://user:pw@hooks.example.org/cb?id=7&token=abc&api_key=k&sig=s'), 'https://***:***@hooks.example.org/cb?id=7&token=***&api_key=***&sig=***');
    assert.equal(redactUrl('https://ghp_tokenAsUser@github.com/x'), 'https://***@github.com/x');
    assert.equal(redactUrl('not a url'), '<an unparseable URL>');
  });
});

describe('header redaction for records', () => {
  it('keeps ordinary headers and hides secret ones, also secrets inside other values', () => {
    const signed = createSigner({ keys: { k1: 'a secret of enough bytes' }, signWith: 'k1' }).sign(Buffer.from('{}'));
    const kept = redactHeaders(
      {
        'content-type': 'application/json',
        'content-length': 2,
        Authorization: 'Bearer abc.def',
        cookie: ['a=1', 'b=2'],
        'x-api-key': 'k-123',
        'x-callback': 'https://hooks.example.org/cb?token=tok-456',
        'x-absent': undefined,
        ...signed,
      },
      ['tok-456'],
    );
    assert.deepEqual(kept, {
      'content-type': 'application/json',
      'content-length': '2',
      Authorization: '***',
      cookie: '***',
      'x-api-key': '***',
      'x-callback': 'https://hooks.example.org/cb?token=***',
      'x-falco-key-id': 'k1',
      'x-falco-issued-at': signed['x-falco-issued-at'],
      'x-falco-signature': '***',
    });
  });
});
