import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SERVE_KEYS_ENV } from '../../../flows/index.js';
import { openStateManager } from '../../../stores/index.js';
import { CLI, falco } from '../../helpers/falco-cli.js';
import { runKillable } from '../../helpers/killable-child.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import { counted } from './function-pipeline.js';

const MODULE = fileURLToPath(new URL('./function-pipeline.js', import.meta.url));
const SUBMIT = fileURLToPath(new URL('./function-submit-child.js', import.meta.url));
const SECRET = 'cli-serve-secret-0123456789abcdef';

describe('falco triggers serve --pipeline', () => {
  const dir = suiteTempDir('falco-pipeline-serve-');

  it('runs a pipeline submitted by a driver that exited to its end, each phase an invocation of its function', { timeout: 300_000 }, async () => {
    const [store, state] = [`file:${dir()}/store`, `file:${dir()}/state`];
    const effects = join(dir(), 'effects');
    const finals = join(dir(), 'finally');
    process.env.FALCO_TEST_SECRET = SECRET;
    assert.equal((await runKillable([SUBMIT, store, state, 'by-cli'])).ended, 'done');
    Object.assign(process.env, { [SERVE_KEYS_ENV]: JSON.stringify({ keys: { k1: SECRET }, signWith: 'k1' }), FALCO_TEST_EFFECTS: effects, FALCO_TEST_FINALLY: finals });
    const states = await openStateManager(state);
    const finished = async () => (await counted.status('by-cli', { state: states }))?.finally === 'done';
    try {
      const serve = [CLI, 'triggers', 'serve', 'pipelines', '--store', store, '--port', '0', '--pipeline', `falco:pipeline:counted=${MODULE}#counted`, '--pipeline-state', state, '--pipeline-env', 'FALCO_TEST_EFFECTS', 'FALCO_TEST_FINALLY'];
      const { stderr } = await runKillable(serve, { killWhen: finished });
      assert.ok(!stderr.includes(SECRET));
      const status = await counted.status('by-cli', { state: states });
      assert.equal(status?.state, 'succeeded');
      assert.deepEqual(status?.output, { n: 3 });
    } finally {
      await states.close();
    }
    assert.deepEqual((await readFile(effects, 'utf8')).trim().split('\n'), ['by-cli 0', 'by-cli 1', 'by-cli 2']);
    assert.equal((await readFile(finals, 'utf8')).trim().split('\n').length, 1);
  });

  it('refuses to serve a pipeline without its keys in the environment, or without a state', async () => {
    const noKeys = await falco(['triggers', 'serve', 'pipelines', '--create', '--store', `file:${dir()}/refused`, '--port', '0', '--pipeline', `p=${MODULE}#counted`, '--pipeline-state', `file:${dir()}/s`], dir(), { [SERVE_KEYS_ENV]: '' });
    assert.notEqual(noKeys.code, 0);
    assert.match(noKeys.stderr, new RegExp(`--pipeline needs the signing keys in ${SERVE_KEYS_ENV}`));
    const noState = await falco(['triggers', 'serve', 'pipelines', '--create', '--store', `file:${dir()}/refused`, '--port', '0', '--pipeline', `p=${MODULE}#counted`], dir(), { [SERVE_KEYS_ENV]: JSON.stringify({ keys: { k1: SECRET }, signWith: 'k1' }) });
    assert.match(noState.stderr, /--pipeline needs --pipeline-state/);
    assert.ok(!noState.stderr.includes(SECRET));
  });
});
